DROP TABLE activity_sessions;
DROP TABLE activity_interests;
DROP TABLE activities;
DROP TABLE areas;
DROP TABLE interests;
