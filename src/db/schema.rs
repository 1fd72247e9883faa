// @generated automatically by Diesel CLI.

diesel::table! {
    accreditation_decisions (id) {
        id -> Int8,
        subject_kind -> Text,
        subject_id -> Int8,
        decision -> Text,
        reason -> Text,
        decided_by -> Int8,
        decided_at -> Timestamp,
    }
}

diesel::table! {
    activities (id) {
        id -> Int8,
        organization_id -> Int8,
        created_by -> Int8,
        title -> Text,
        description -> Text,
        venue_name -> Text,
        address -> Text,
        latitude -> Float8,
        longitude -> Float8,
        nil_code -> Nullable<Text>,
        municipio_code -> Nullable<Text>,
        timezone -> Text,
        dtstart_local -> Timestamp,
        duration_minutes -> Int4,
        rrule -> Text,
        exdates -> Text,
        capacity -> Nullable<Int4>,
        cost_kind -> Text,
        cost_cents -> Int4,
        cost_help -> Bool,
        languages -> Text,
        wheelchair -> Text,
        accessibility -> Text,
        low_barrier -> Text,
        practical -> Text,
        audience -> Text,
        contact_phone -> Text,
        contact_email -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    activity_interests (activity_id, interest_id) {
        activity_id -> Int8,
        interest_id -> Int8,
    }
}

diesel::table! {
    activity_seat_holds (activity_id) {
        activity_id -> Int8,
        reserved_seats -> Int4,
    }
}

diesel::table! {
    activity_sessions (id) {
        id -> Int8,
        activity_id -> Int8,
        slot_local -> Timestamp,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        latitude -> Float8,
        longitude -> Float8,
        status -> Text,
        is_override -> Bool,
        note -> Text,
        confirmed_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    areas (id) {
        id -> Int8,
        kind -> Text,
        code -> Text,
        name -> Text,
        parent_code -> Nullable<Text>,
        population -> Nullable<Int8>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        actor_user_id -> Nullable<Int8>,
        action -> Text,
        subject_kind -> Text,
        subject_id -> Nullable<Int8>,
        detail -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    bookings (id) {
        id -> Int8,
        session_id -> Int8,
        participant_key -> Text,
        resident_id -> Nullable<Int8>,
        user_id -> Nullable<Int8>,
        guest_name -> Text,
        guest_email -> Text,
        guest_phone -> Text,
        seats -> Int4,
        companion -> Text,
        referral_id -> Nullable<Int8>,
        status -> Text,
        position -> Int8,
        channel -> Text,
        booked_by -> Nullable<Int8>,
        share_contact -> Bool,
        share_needs -> Bool,
        manage_token_hash -> Text,
        created_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        promoted_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        cancelled_by -> Text,
        attendance -> Text,
        attendance_method -> Text,
        attendance_by -> Nullable<Int8>,
        attendance_at -> Nullable<Timestamp>,
        self_report -> Text,
        felt_welcome -> Nullable<Bool>,
        would_return -> Nullable<Bool>,
        self_report_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    break_glass (id) {
        id -> Int8,
        admin_user_id -> Int8,
        resident_id -> Int8,
        reason -> Text,
        opened_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    consents (id) {
        id -> Int8,
        resident_id -> Int8,
        purpose -> Text,
        channel -> Text,
        given_by -> Text,
        recorded_by -> Nullable<Int8>,
        given_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
        withdrawn_by -> Nullable<Int8>,
        withdrawal_channel -> Nullable<Text>,
    }
}

diesel::table! {
    email_tokens (id) {
        id -> Int8,
        user_id -> Int8,
        purpose -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    interests (id) {
        id -> Int8,
        parent_id -> Nullable<Int8>,
        slug -> Text,
        name_it -> Text,
        name_en -> Text,
        sort_order -> Int4,
        deprecated_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    linker_profiles (user_id) {
        user_id -> Int8,
        status -> Text,
        motivation -> Text,
        requested_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> Int8,
        user_id -> Int8,
        kind -> Text,
        data -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    organization_invitations (id) {
        id -> Int8,
        organization_id -> Int8,
        email -> Text,
        token_hash -> Text,
        invited_by -> Int8,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        accepted_by -> Nullable<Int8>,
    }
}

diesel::table! {
    organization_members (id) {
        id -> Int8,
        organization_id -> Int8,
        user_id -> Int8,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    organizations (id) {
        id -> Int8,
        name -> Text,
        kind -> Text,
        description -> Text,
        address -> Text,
        latitude -> Float8,
        longitude -> Float8,
        phone -> Text,
        email -> Text,
        website -> Text,
        status -> Text,
        created_by -> Int8,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        linker_user_id -> Nullable<Int8>,
    }
}

diesel::table! {
    questionnaire_responses (id) {
        id -> Int8,
        resident_id -> Int8,
        instrument -> Text,
        answers -> Text,
        score -> Int4,
        lonely -> Bool,
        context -> Text,
        recorded_by -> Nullable<Int8>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    referral_events (id) {
        id -> Int8,
        referral_id -> Int8,
        status -> Text,
        by_user -> Nullable<Int8>,
        channel -> Text,
        note -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    referrals (id) {
        id -> Int8,
        resident_id -> Int8,
        activity_id -> Int8,
        session_id -> Nullable<Int8>,
        linker_user_id -> Int8,
        note -> Text,
        goes_along -> Bool,
        status -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        answered_at -> Nullable<Timestamp>,
        answered_by -> Nullable<Int8>,
        answer_channel -> Text,
        answer_reason -> Text,
        booking_id -> Nullable<Int8>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    resident_interests (resident_id, interest_id) {
        resident_id -> Int8,
        interest_id -> Int8,
    }
}

diesel::table! {
    resident_linkers (id) {
        id -> Int8,
        resident_id -> Int8,
        linker_user_id -> Int8,
        added_by -> Nullable<Int8>,
        since -> Timestamp,
        until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    residents (id) {
        id -> Int8,
        user_id -> Nullable<Int8>,
        display_name -> Text,
        phone -> Text,
        email -> Text,
        origin -> Text,
        status -> Text,
        locale -> Text,
        birth_year -> Nullable<Int4>,
        languages -> Text,
        home_cell -> Nullable<Text>,
        home_area -> Nullable<Text>,
        travel_radius_m -> Int4,
        availability -> Int4,
        wheelchair -> Bool,
        accessibility -> Text,
        budget_cents -> Nullable<Int4>,
        wants_company -> Bool,
        prefers_small_groups -> Bool,
        created_by -> Nullable<Int8>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    session_seats (session_id) {
        session_id -> Int8,
        capacity -> Nullable<Int4>,
        reserved -> Int4,
        reserve_until -> Nullable<Timestamp>,
        taken -> Int4,
        referred_taken -> Int4,
        waiting -> Int4,
        seq -> Int8,
        last_ok -> Bool,
        checkin_code -> Text,
        register_closed_at -> Nullable<Timestamp>,
        register_closed_by -> Nullable<Int8>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Int8,
        token_hash -> Text,
        user_id -> Int8,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        user_agent -> Text,
    }
}

diesel::table! {
    suggestion_dismissals (id) {
        id -> Int8,
        resident_id -> Int8,
        activity_id -> Int8,
        reason -> Text,
        dismissed_by -> Nullable<Int8>,
        at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        locale -> Text,
        is_admin -> Bool,
        email_verified_at -> Nullable<Timestamp>,
        suspended_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(accreditation_decisions -> users (decided_by));
diesel::joinable!(activities -> organizations (organization_id));
diesel::joinable!(activities -> users (created_by));
diesel::joinable!(activity_interests -> activities (activity_id));
diesel::joinable!(activity_interests -> interests (interest_id));
diesel::joinable!(activity_seat_holds -> activities (activity_id));
diesel::joinable!(activity_sessions -> activities (activity_id));
diesel::joinable!(bookings -> activity_sessions (session_id));
diesel::joinable!(bookings -> referrals (referral_id));
diesel::joinable!(bookings -> residents (resident_id));
diesel::joinable!(break_glass -> residents (resident_id));
diesel::joinable!(break_glass -> users (admin_user_id));
diesel::joinable!(consents -> residents (resident_id));
diesel::joinable!(email_tokens -> users (user_id));
diesel::joinable!(linker_profiles -> users (user_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(organization_invitations -> organizations (organization_id));
diesel::joinable!(organization_members -> organizations (organization_id));
diesel::joinable!(organization_members -> users (user_id));
diesel::joinable!(questionnaire_responses -> residents (resident_id));
diesel::joinable!(questionnaire_responses -> users (recorded_by));
diesel::joinable!(referral_events -> referrals (referral_id));
diesel::joinable!(referral_events -> users (by_user));
diesel::joinable!(referrals -> activities (activity_id));
diesel::joinable!(referrals -> activity_sessions (session_id));
diesel::joinable!(referrals -> residents (resident_id));
diesel::joinable!(resident_interests -> interests (interest_id));
diesel::joinable!(resident_interests -> residents (resident_id));
diesel::joinable!(resident_linkers -> residents (resident_id));
diesel::joinable!(session_seats -> activity_sessions (session_id));
diesel::joinable!(session_seats -> users (register_closed_by));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(suggestion_dismissals -> activities (activity_id));
diesel::joinable!(suggestion_dismissals -> residents (resident_id));
diesel::joinable!(suggestion_dismissals -> users (dismissed_by));

diesel::allow_tables_to_appear_in_same_query!(
    accreditation_decisions,
    activities,
    activity_interests,
    activity_seat_holds,
    activity_sessions,
    areas,
    audit_log,
    bookings,
    break_glass,
    consents,
    email_tokens,
    interests,
    linker_profiles,
    notifications,
    organization_invitations,
    organization_members,
    organizations,
    questionnaire_responses,
    referral_events,
    referrals,
    resident_interests,
    resident_linkers,
    residents,
    session_seats,
    sessions,
    suggestion_dismissals,
    users,
);
