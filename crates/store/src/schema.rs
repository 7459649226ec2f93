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
        service_area_id -> Nullable<Text>,
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
        policy_version -> Nullable<BigInt>,
    }
}

diesel::table! {
    policy_versions (area, version) {
        area -> Text,
        version -> BigInt,
        effective_from -> Date,
        policy_values -> Text,
        reason -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    policy_revision (id) {
        id -> Integer,
        revision -> BigInt,
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

diesel::table! {
    departments (id) {
        id -> Text,
        name -> Text,
        manager_id -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        shift_start -> Time,
        shift_end -> Time,
        lunch_start -> Time,
        lunch_end -> Time,
        rest_start -> Time,
        rest_end -> Time,
        customer_service -> Bool,
    }
}

diesel::table! {
    employees (id) {
        id -> Text,
        name -> Text,
        department_id -> Text,
        rank -> Text,
        superior_id -> Nullable<Text>,
        user_id -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        gender -> Nullable<Text>,
        birth_date -> Nullable<Date>,
        hired_on -> Nullable<Date>,
        probation_end -> Nullable<Date>,
        left_on -> Nullable<Date>,
        base_salary_fen -> BigInt,
        rest_day -> Text,
        leaving_reason -> Nullable<Text>,
    }
}

diesel::table! {
    work_orders (id) {
        id -> Text,
        customer_id -> Text,
        kind -> Text,
        description -> Text,
        status -> Text,
        flagged_major -> Bool,
        urgent -> Bool,
        first_responder_id -> Text,
        accountable_id -> Text,
        assignee_id -> Text,
        required_materials -> Text,
        provided_materials -> Text,
        network_ready -> Bool,
        clock_started_at -> Nullable<Timestamp>,
        due_at -> Nullable<Timestamp>,
        calendar_provisional -> Bool,
        breached -> Bool,
        resolved_at -> Nullable<Timestamp>,
        resolution -> Nullable<Text>,
        queue_key -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        follow_up_of -> Nullable<Text>,
        first_answered_at -> Nullable<Timestamp>,
        sla_policy_version -> Nullable<BigInt>,
    }
}

diesel::table! {
    work_order_handovers (id) {
        id -> Text,
        work_order_id -> Text,
        from_employee_id -> Text,
        to_employee_id -> Text,
        accepted_by_owner -> Bool,
        note -> Text,
        recorded_by -> Text,
        handed_over_at -> Timestamp,
    }
}

diesel::table! {
    work_order_contact_attempts (id) {
        id -> Text,
        work_order_id -> Text,
        channel -> Text,
        reached -> Bool,
        attempted_at -> Timestamp,
        note -> Text,
        recorded_by -> Text,
    }
}

diesel::table! {
    work_order_extensions (id) {
        id -> Text,
        work_order_id -> Text,
        reason -> Text,
        requested_due_at -> Timestamp,
        status -> Text,
        requested_by -> Text,
        requested_at -> Timestamp,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    accountability_cases (id) {
        id -> Text,
        source -> Text,
        work_order_id -> Nullable<Text>,
        employee_id -> Text,
        status -> Text,
        summary -> Text,
        statement -> Nullable<Text>,
        statement_recorded_at -> Nullable<Timestamp>,
        assessed_severity -> Nullable<Text>,
        aggravating -> Text,
        mitigating -> Text,
        decided_severity -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        inspection_finding_id -> Nullable<Text>,
    }
}

diesel::table! {
    return_visits (id) {
        id -> Text,
        work_order_id -> Text,
        satisfaction -> Text,
        solved -> Bool,
        notes -> Text,
        follow_up_order_id -> Nullable<Text>,
        visited_by -> Text,
        visited_at -> Timestamp,
    }
}

diesel::table! {
    service_areas (id) {
        id -> Text,
        name -> Text,
        area_type -> Text,
        households -> BigInt,
        maintainer_id -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        boundary -> Text,
    }
}

diesel::table! {
    area_month_figures (service_area_id, month) {
        service_area_id -> Text,
        month -> Text,
        opening -> BigInt,
        new_households -> BigInt,
        lost -> BigInt,
        growth_target -> BigInt,
        target_set_by_company -> Bool,
        recorded_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    service_area_changes (id) {
        id -> Text,
        service_area_id -> Text,
        effective_on -> Date,
        maintainer_id -> Text,
        maintainer_job_number -> Text,
        boundary -> Text,
        reason -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    complaints (id) {
        id -> Text,
        work_order_id -> Text,
        accused_employee_id -> Nullable<Text>,
        route -> Text,
        handler_employee_id -> Nullable<Text>,
        inform_accused -> Bool,
        status -> Text,
        escalations -> BigInt,
        result -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    complaint_dispatches (id) {
        id -> Text,
        complaint_id -> Text,
        employee_id -> Text,
        reason -> Text,
        dispatched_at -> Timestamp,
        expenses_fen -> BigInt,
        receipts -> Text,
        recorded_by -> Text,
    }
}

diesel::table! {
    attendance_punches (id) {
        id -> Text,
        employee_id -> Text,
        punched_at -> Timestamp,
        source -> Text,
        device_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    make_up_punch_requests (id) {
        id -> Text,
        employee_id -> Text,
        punched_at -> Timestamp,
        reason -> Text,
        status -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    attendance_exceptions (id) {
        id -> Text,
        employee_id -> Text,
        occurred_on -> Date,
        cause -> Text,
        reason -> Text,
        status -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    leave_requests (id) {
        id -> Text,
        employee_id -> Text,
        leave_type -> Text,
        first_day -> Date,
        first_half -> Text,
        last_day -> Date,
        last_half -> Text,
        duration_half_days -> Integer,
        reason -> Text,
        facts -> Text,
        assessment -> Text,
        certified -> Bool,
        status -> Text,
        filed_at -> Timestamp,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    approval_steps (subject_type, subject_id, position) {
        subject_type -> Text,
        subject_id -> Text,
        position -> Integer,
        step -> Text,
        approver_id -> Nullable<Text>,
        decision -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        comment -> Nullable<Text>,
    }
}

diesel::table! {
    partners (id) {
        id -> Text,
        partner_type -> Text,
        name -> Text,
        region -> Text,
        split_company_part -> Nullable<Integer>,
        split_franchisee_part -> Nullable<Integer>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    partner_credentials (client_id) {
        client_id -> Text,
        partner_id -> Text,
        secret_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    partner_orders (id) {
        id -> Text,
        partner_id -> Text,
        reference -> Text,
        amount_fen -> BigInt,
        occurred_on -> Date,
        created_at -> Timestamp,
    }
}

diesel::table! {
    partner_statements (id) {
        id -> Text,
        partner_id -> Text,
        month -> Text,
        revision -> Integer,
        line_count -> Integer,
        total_fen -> BigInt,
        superseded_by -> Nullable<Text>,
        submitted_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    partner_statement_lines (statement_id, line_no) {
        statement_id -> Text,
        line_no -> Integer,
        reference -> Text,
        amount_fen -> BigInt,
        occurred_on -> Date,
    }
}

diesel::table! {
    partner_statement_comments (id) {
        id -> Text,
        statement_id -> Text,
        reference -> Text,
        author_kind -> Text,
        author -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (scope, idempotency_key) {
        scope -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        status_code -> Integer,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    partner_payments (id) {
        id -> Text,
        partner_id -> Text,
        due_on -> Date,
        amount_fen -> BigInt,
        received_on -> Date,
        reference -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    settlement_follow_ups (partner_id, due_on) {
        partner_id -> Text,
        due_on -> Date,
        finance_notified_at -> Nullable<Timestamp>,
        marketing_contact -> Nullable<Text>,
        partner_reason -> Nullable<Text>,
        decision -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    franchise_settlements (id) {
        id -> Text,
        partner_id -> Text,
        month -> Text,
        operating_profit_fen -> BigInt,
        company_share_fen -> BigInt,
        franchisee_share_fen -> BigInt,
        company_part -> Integer,
        franchisee_part -> Integer,
        basis -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
        version -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    point_balances (customer_id) {
        customer_id -> Text,
        balance -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    point_entries (id) {
        id -> Text,
        customer_id -> Text,
        kind -> Text,
        reference -> Text,
        points -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    point_redemptions (id) {
        id -> Text,
        customer_id -> Text,
        points -> BigInt,
        alipay_account -> Text,
        status -> Text,
        reviewed_by -> Nullable<Text>,
        approved_by -> Nullable<Text>,
        transfer_reference -> Nullable<Text>,
        transferred_fen -> Nullable<BigInt>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    credit_terms (customer_id) {
        customer_id -> Text,
        credit_limit_fen -> BigInt,
        credit_period_days -> Integer,
        version -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    receivables (id) {
        id -> Text,
        customer_id -> Nullable<Text>,
        partner_id -> Nullable<Text>,
        contract_number -> Text,
        amount_fen -> BigInt,
        invoiced_on -> Date,
        handler_id -> Text,
        approver_id -> Nullable<Text>,
        delivery_method -> Text,
        delivered_on -> Date,
        paid_fen -> BigInt,
        outcome -> Nullable<Text>,
        outcome_owner_id -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        bad_debt_status -> Nullable<Text>,
        bad_debt_reason -> Nullable<Text>,
        responsible_department -> Nullable<Text>,
        responsible_person -> Nullable<Text>,
        written_off_fen -> Nullable<BigInt>,
        written_off_on -> Nullable<Date>,
        recovered_fen -> BigInt,
    }
}

diesel::table! {
    receivable_events (id) {
        id -> Text,
        receivable_id -> Text,
        kind -> Text,
        amount_fen -> Nullable<BigInt>,
        note -> Nullable<Text>,
        occurred_on -> Date,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    performance_bonuses (employee_id, month) {
        employee_id -> Text,
        month -> Text,
        amount_fen -> BigInt,
        note -> Nullable<Text>,
        entered_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    payroll_runs (id) {
        id -> Text,
        month -> Text,
        revision -> Integer,
        status -> Text,
        correction_reason -> Nullable<Text>,
        pay_date -> Date,
        pay_date_provisional -> Bool,
        employee_count -> Integer,
        problem_count -> Integer,
        earnings_fen -> BigInt,
        deductions_fen -> BigInt,
        net_fen -> BigInt,
        computed_by -> Text,
        computed_at -> Timestamp,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    payslips (run_id, employee_id) {
        run_id -> Text,
        employee_id -> Text,
        employee_name -> Text,
        department_id -> Text,
        problem -> Nullable<Text>,
        earnings_fen -> BigInt,
        deductions_fen -> BigInt,
        net_fen -> BigInt,
        final_pay_withheld -> Bool,
        detail -> Text,
    }
}

diesel::table! {
    performance_records (employee_id, month) {
        employee_id -> Text,
        month -> Date,
        performance_fen -> BigInt,
        company_funded_spend_fen -> BigInt,
        note -> Text,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    probation_extensions (id) {
        id -> Text,
        employee_id -> Text,
        previous_end -> Date,
        new_end -> Date,
        reason -> Text,
        granted_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    regularization_applications (id) {
        id -> Text,
        employee_id -> Text,
        statement -> Text,
        performance_fen -> BigInt,
        status -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    resignations (id) {
        id -> Text,
        employee_id -> Text,
        submitted_at -> Timestamp,
        submitted_on -> Date,
        on_probation -> Bool,
        pay_in_lieu -> Bool,
        pay_in_lieu_days -> Integer,
        earliest_last_day -> Date,
        requested_last_day -> Date,
        reason -> Text,
        status -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    departure_checklists (employee_id) {
        employee_id -> Text,
        badge_returned_at -> Nullable<Timestamp>,
        badge_received_by -> Nullable<Text>,
        devices_returned_at -> Nullable<Timestamp>,
        devices_received_by -> Nullable<Text>,
        business_passwords_returned_at -> Nullable<Timestamp>,
        business_passwords_received_by -> Nullable<Text>,
        training_material_returned_at -> Nullable<Timestamp>,
        training_material_received_by -> Nullable<Text>,
        locker_key_returned_at -> Nullable<Timestamp>,
        locker_key_received_by -> Nullable<Text>,
        tools_returned_at -> Nullable<Timestamp>,
        tools_received_by -> Nullable<Text>,
        books_returned_at -> Nullable<Timestamp>,
        books_received_by -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    customer_handover_tasks (id) {
        id -> Text,
        customer_id -> Text,
        leaver_id -> Text,
        successor_id -> Text,
        status -> Text,
        promised_services -> Nullable<Text>,
        completed_by -> Nullable<Text>,
        completed_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        channel -> Text,
        recipient -> Text,
        subject -> Nullable<Text>,
        body -> Text,
        status -> Text,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        next_attempt_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    care_touches (id) {
        id -> Text,
        customer_id -> Text,
        channel -> Text,
        template -> Text,
        recipient -> Text,
        subject -> Nullable<Text>,
        body -> Text,
        sent_at -> Nullable<Timestamp>,
        outbox_id -> Nullable<Text>,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    customer_last_touches (customer_id) {
        customer_id -> Text,
        touch_id -> Text,
        touched_at -> Timestamp,
    }
}

diesel::table! {
    training_deals (id) {
        id -> Text,
        customer_id -> Text,
        responsible_id -> Text,
        deal_on -> Date,
        ends_on -> Nullable<Date>,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    after_sales_visits (id) {
        id -> Text,
        deal_id -> Text,
        visited_on -> Date,
        screenshot -> Text,
        notes -> Text,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    after_sales_missed_records (deal_id, visit_window) {
        deal_id -> Text,
        visit_window -> Text,
        discipline_record_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    domain_transfers (id) {
        id -> Text,
        customer_id -> Text,
        domain_name -> Text,
        status -> Text,
        proof_document -> Nullable<Text>,
        signatory -> Nullable<Text>,
        signature_document -> Nullable<Text>,
        call_at -> Nullable<Timestamp>,
        call_note -> Nullable<Text>,
        called_by -> Nullable<Text>,
        requested_by -> Text,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    public_service_info (id) {
        id -> Text,
        content -> Text,
        version -> BigInt,
        updated_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    discipline_offenses (code) {
        code -> Text,
        definition -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    discipline_records (id) {
        id -> Text,
        employee_id -> Text,
        offense_code -> Text,
        offense_version -> BigInt,
        offense_definition -> Text,
        occurred_at -> Timestamp,
        details -> Text,
        unit_count -> Integer,
        flags -> Text,
        occurrence -> Integer,
        penalty -> Text,
        fine_fen -> BigInt,
        status -> Text,
        statement -> Nullable<Text>,
        statement_note -> Nullable<Text>,
        statement_at -> Nullable<Timestamp>,
        statement_by -> Nullable<Text>,
        confirmed_by -> Nullable<Text>,
        confirmed_at -> Nullable<Timestamp>,
        recorded_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        payroll_month -> Nullable<Text>,
    }
}

diesel::table! {
    hr_cases (id) {
        id -> Text,
        employee_id -> Text,
        kind -> Text,
        source_type -> Text,
        source_id -> Text,
        status -> Text,
        note -> Text,
        closing_note -> Nullable<Text>,
        closed_by -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    prospects (id) {
        id -> Text,
        company_name -> Text,
        contact_name -> Text,
        phone -> Text,
        source -> Text,
        ownership -> Text,
        owner_id -> Nullable<Text>,
        follow_up_owner_id -> Nullable<Text>,
        follow_up_other_id -> Nullable<Text>,
        follow_up_since -> Nullable<Timestamp>,
        converted_at -> Nullable<Timestamp>,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    prospect_invitations (id) {
        id -> Text,
        prospect_id -> Text,
        staff_id -> Text,
        confirmed_at -> Timestamp,
        appointment_at -> Timestamp,
        place -> Text,
        claims -> Bool,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    prospect_deals (id) {
        id -> Text,
        prospect_id -> Text,
        claimant_ids -> Text,
        amount_fen -> BigInt,
        closed_at -> Timestamp,
        status -> Text,
        owner_id -> Nullable<Text>,
        reported_to -> Nullable<Text>,
        resolution_note -> Nullable<Text>,
        resolved_by -> Nullable<Text>,
        resolved_at -> Nullable<Timestamp>,
        recorded_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    prospect_deposits (id) {
        id -> Text,
        prospect_id -> Text,
        collector_id -> Text,
        amount_fen -> BigInt,
        collected_at -> Timestamp,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    prospect_follow_ups (id) {
        id -> Text,
        prospect_id -> Text,
        owner_id -> Text,
        result -> Text,
        occurred_at -> Timestamp,
        note -> Text,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    customer_orders (id) {
        id -> Text,
        customer_id -> Text,
        salesperson_id -> Text,
        responsible_name -> Text,
        responsible_phone -> Text,
        responsible_mobile -> Text,
        responsible_email -> Text,
        ordered_on -> Date,
        submitted_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    customer_services (id) {
        id -> Text,
        order_id -> Text,
        customer_id -> Text,
        kind -> Text,
        description -> Text,
        amount_fen -> BigInt,
        starts_on -> Date,
        expires_on -> Date,
        remind_on -> Nullable<Date>,
        status -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    care_visit_tasks (id) {
        id -> Text,
        order_id -> Text,
        customer_id -> Text,
        agent_id -> Text,
        kind -> Text,
        due_on -> Date,
        status -> Text,
        visit_id -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    care_visits (id) {
        id -> Text,
        task_id -> Text,
        order_id -> Text,
        customer_id -> Text,
        kind -> Text,
        satisfaction -> Nullable<Integer>,
        chose_us_because -> Nullable<Text>,
        shortcomings -> Nullable<Text>,
        wishes -> Nullable<Text>,
        staff_contacted -> Nullable<Bool>,
        effect_reached -> Nullable<Bool>,
        explanation -> Nullable<Text>,
        solution -> Nullable<Text>,
        visited_by -> Text,
        visited_at -> Timestamp,
    }
}

diesel::table! {
    service_renewals (id) {
        id -> Text,
        service_id -> Text,
        previous_expires_on -> Date,
        new_expires_on -> Date,
        renewed_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    service_non_renewals (id) {
        id -> Text,
        service_id -> Text,
        customer_id -> Text,
        expires_on -> Date,
        reason -> Text,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    service_points (id) {
        id -> Text,
        kind -> Text,
        name -> Text,
        service_area_id -> Nullable<Text>,
        department_id -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    inspections (id) {
        id -> Text,
        service_point_id -> Text,
        inspected_on -> Date,
        supervisor -> Text,
        note -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    inspection_findings (id) {
        id -> Text,
        inspection_id -> Text,
        service_point_id -> Text,
        scope -> Text,
        severity -> Text,
        description -> Text,
        responsible_employee_id -> Text,
        found_on -> Date,
        due_at -> Timestamp,
        due_provisional -> Bool,
        status -> Text,
        rectification_note -> Nullable<Text>,
        rectified_at -> Nullable<Timestamp>,
        rectified_by -> Nullable<Text>,
        review_note -> Nullable<Text>,
        reviewed_by -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
        reminders -> BigInt,
        last_reminded_at -> Nullable<Timestamp>,
        accountability_case_id -> Nullable<Text>,
        escalated_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    training_courses (id) {
        id -> Text,
        name -> Text,
        certification -> Bool,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    training_sessions (id) {
        id -> Text,
        course_id -> Text,
        trainer_id -> Text,
        held_on -> Date,
        hours_centi -> BigInt,
        recorded_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    training_attendees (session_id, employee_id) {
        session_id -> Text,
        employee_id -> Text,
        present -> Nullable<Bool>,
    }
}

diesel::table! {
    training_assessments (id) {
        id -> Text,
        session_id -> Text,
        employee_id -> Text,
        attempt -> Integer,
        score -> Integer,
        passed -> Bool,
        assessed_on -> Date,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    certificates (id) {
        id -> Text,
        number -> Text,
        employee_id -> Text,
        course_id -> Text,
        assessment_id -> Text,
        issued_on -> Date,
        valid_through -> Date,
        created_at -> Timestamp,
    }
}

diesel::table! {
    customer_trainings (id) {
        id -> Text,
        customer_id -> Text,
        trained_on -> Date,
        topic -> Text,
        note -> Text,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    customer_training_requests (id) {
        id -> Text,
        customer_id -> Text,
        requested_on -> Date,
        note -> Text,
        status -> Text,
        training_id -> Nullable<Text>,
        recorded_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    monthly_targets (id) {
        id -> Text,
        department_id -> Text,
        month -> Date,
        targets -> Text,
        assessment_standard -> Text,
        standard_changed -> Bool,
        due_on -> Date,
        late -> Bool,
        status -> Text,
        filed_by -> Text,
        filed_at -> Timestamp,
        acknowledged_by -> Nullable<Text>,
        acknowledged_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    injury_reports (id) {
        id -> Text,
        employee_id -> Text,
        department_id -> Text,
        occurred_at -> Timestamp,
        description -> Text,
        due_at -> Timestamp,
        late -> Bool,
        status -> Text,
        reported_by -> Text,
        reported_at -> Timestamp,
        investigation -> Nullable<Text>,
        investigated_by -> Nullable<Text>,
        investigated_at -> Nullable<Timestamp>,
        review -> Nullable<Text>,
        reviewed_by -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
        informed_by -> Nullable<Text>,
        informed_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    promotions (id) {
        id -> Text,
        employee_id -> Text,
        from_rank -> Text,
        to_rank -> Text,
        from_base_salary_fen -> BigInt,
        to_base_salary_fen -> BigInt,
        effective_on -> Date,
        reason -> Text,
        proposed_by -> Text,
        status -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    meeting_host_days (day) {
        day -> Date,
        employee_id -> Text,
        set_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    meeting_host_duties (day) {
        day -> Date,
        employee_id -> Text,
        discipline_record_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    vip_plans (id) {
        id -> Text,
        customer_id -> Text,
        started_on -> Date,
        ended_on -> Nullable<Date>,
        visit_every_months -> Integer,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    vip_visits (id) {
        id -> Text,
        plan_id -> Text,
        customer_id -> Text,
        visited_on -> Date,
        visitor_id -> Text,
        contact -> Text,
        satisfaction -> Text,
        note -> Text,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    vip_visit_issues (id) {
        id -> Text,
        visit_id -> Text,
        description -> Text,
        work_order_id -> Text,
    }
}

diesel::joinable!(calendar_days -> calendar_years (year));
diesel::joinable!(customers -> users (owner_id));
diesel::joinable!(customer_quarter_metrics -> customers (customer_id));
diesel::joinable!(customer_tiers -> customers (customer_id));
diesel::joinable!(tier_overrides -> customers (customer_id));
diesel::joinable!(employees -> departments (department_id));
diesel::joinable!(payslips -> payroll_runs (run_id));
diesel::joinable!(attendance_punches -> employees (employee_id));
diesel::joinable!(leave_requests -> employees (employee_id));
diesel::joinable!(partner_credentials -> partners (partner_id));
diesel::joinable!(work_orders -> customers (customer_id));
diesel::joinable!(customers -> service_areas (service_area_id));
diesel::joinable!(complaints -> work_orders (work_order_id));
diesel::joinable!(work_order_handovers -> work_orders (work_order_id));
diesel::joinable!(work_order_contact_attempts -> work_orders (work_order_id));
diesel::joinable!(work_order_extensions -> work_orders (work_order_id));
diesel::joinable!(discipline_records -> employees (employee_id));
diesel::joinable!(hr_cases -> employees (employee_id));
diesel::joinable!(prospect_invitations -> prospects (prospect_id));
diesel::joinable!(prospect_deals -> prospects (prospect_id));
diesel::joinable!(prospect_deposits -> prospects (prospect_id));
diesel::joinable!(prospect_follow_ups -> prospects (prospect_id));
diesel::joinable!(customer_last_touches -> customers (customer_id));
diesel::joinable!(after_sales_visits -> training_deals (deal_id));
diesel::joinable!(customer_services -> customers (customer_id));
diesel::joinable!(training_sessions -> training_courses (course_id));
diesel::joinable!(training_attendees -> training_sessions (session_id));
diesel::joinable!(training_assessments -> training_sessions (session_id));
diesel::joinable!(certificates -> employees (employee_id));
diesel::joinable!(customer_trainings -> customers (customer_id));
diesel::joinable!(monthly_targets -> departments (department_id));
diesel::joinable!(injury_reports -> employees (employee_id));
diesel::joinable!(vip_plans -> customers (customer_id));
diesel::joinable!(vip_visits -> vip_plans (plan_id));
diesel::joinable!(vip_visit_issues -> vip_visits (visit_id));
diesel::joinable!(vip_visit_issues -> work_orders (work_order_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    policy_versions,
    policy_revision,
    area_month_figures,
    service_area_changes,
    audit_log,
    calendar_years,
    calendar_days,
    customers,
    customer_referrals,
    customer_quarter_metrics,
    tier_runs,
    customer_tiers,
    tier_overrides,
    departments,
    employees,
    work_orders,
    work_order_handovers,
    work_order_contact_attempts,
    work_order_extensions,
    accountability_cases,
    return_visits,
    service_areas,
    complaints,
    complaint_dispatches,
    attendance_punches,
    make_up_punch_requests,
    attendance_exceptions,
    leave_requests,
    approval_steps,
    partners,
    partner_credentials,
    partner_orders,
    partner_statements,
    partner_statement_lines,
    partner_statement_comments,
    idempotency_keys,
    partner_payments,
    settlement_follow_ups,
    franchise_settlements,
    settings,
    point_balances,
    point_entries,
    point_redemptions,
    credit_terms,
    receivables,
    receivable_events,
    performance_bonuses,
    payroll_runs,
    payslips,
    performance_records,
    probation_extensions,
    regularization_applications,
    resignations,
    departure_checklists,
    customer_handover_tasks,
    outbox,
    care_touches,
    customer_last_touches,
    training_deals,
    after_sales_visits,
    after_sales_missed_records,
    domain_transfers,
    public_service_info,
    discipline_offenses,
    discipline_records,
    hr_cases,
    prospects,
    prospect_invitations,
    prospect_deals,
    prospect_deposits,
    prospect_follow_ups,
    customer_orders,
    customer_services,
    care_visit_tasks,
    care_visits,
    service_renewals,
    service_non_renewals,
    service_points,
    inspections,
    inspection_findings,
    training_courses,
    training_sessions,
    training_attendees,
    training_assessments,
    certificates,
    customer_trainings,
    customer_training_requests,
    monthly_targets,
    injury_reports,
    promotions,
    meeting_host_days,
    meeting_host_duties,
    vip_plans,
    vip_visits,
    vip_visit_issues,
);
