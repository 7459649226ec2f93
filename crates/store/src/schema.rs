// The one schema both backends share; the SQL lives in migrations/{postgres,sqlite}.

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        display_name -> Text,
        password_hash -> Text,
        roles -> Text,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        occurred_at -> Timestamp,
        actor -> Text,
        request_id -> Nullable<Text>,
        action -> Text,
        entity_type -> Text,
        entity_id -> Text,
        before_state -> Nullable<Text>,
        after_state -> Nullable<Text>,
    }
}

diesel::table! {
    calendar_years (year) {
        year -> Integer,
        papers -> Text,
        published -> Bool,
        imported_at -> Timestamp,
        imported_by -> Text,
    }
}

diesel::table! {
    calendar_days (date) {
        date -> Date,
        year -> Integer,
        name -> Text,
        is_off_day -> Bool,
    }
}

diesel::table! {
    customers (id) {
        id -> Text,
        full_name -> Text,
        address -> Text,
        postcode -> Text,
        phone -> Text,
        bank_account -> Text,
        bank_name -> Text,
        legal_representative -> Text,
        area_type -> Text,
        owner_id -> Nullable<Text>,
        first_contract_on -> Nullable<Date>,
        flags -> Text,
        current_tier -> Nullable<Text>,
        current_tier_quarter -> Nullable<Text>,
        tier_overridden -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    customer_referrals (referred_id) {
        referred_id -> Text,
        referrer_id -> Text,
        referred_on -> Date,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    customer_quarter_metrics (customer_id, quarter) {
        customer_id -> Text,
        quarter -> Text,
        revenue_fen -> BigInt,
        payments_fen -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    tier_runs (quarter) {
        quarter -> Text,
        closed_at -> Timestamp,
        closed_by -> Text,
        customer_count -> BigInt,
        tier_a_count -> BigInt,
        tier_b_count -> BigInt,
        tier_c_count -> BigInt,
    }
}

diesel::table! {
    customer_tiers (customer_id, quarter) {
        customer_id -> Text,
        quarter -> Text,
        tier -> Text,
        reasons -> Text,
    }
}

diesel::table! {
    tier_overrides (id) {
        id -> Text,
        customer_id -> Text,
        quarter -> Nullable<Text>,
        tier -> Text,
        reason -> Text,
        overridden_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(calendar_days -> calendar_years (year));
diesel::joinable!(customers -> users (owner_id));
diesel::joinable!(customer_quarter_metrics -> customers (customer_id));
diesel::joinable!(customer_tiers -> customers (customer_id));
diesel::joinable!(tier_overrides -> customers (customer_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    audit_log,
    calendar_years,
    calendar_days,
    customers,
    customer_referrals,
    customer_quarter_metrics,
    tier_runs,
    customer_tiers,
    tier_overrides,
);
