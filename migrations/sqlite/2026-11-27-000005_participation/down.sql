DROP TABLE bookings;
DROP TABLE referral_events;
DROP TABLE referrals;
DROP TABLE session_seats;
DROP TABLE activity_seat_holds;
