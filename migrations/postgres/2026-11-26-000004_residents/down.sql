DROP TABLE break_glass;
DROP TABLE suggestion_dismissals;
DROP TABLE questionnaire_responses;
DROP TABLE consents;
DROP TABLE resident_linkers;
DROP TABLE resident_interests;
DROP TABLE residents;
