# Sourced by scripts/test.sh and scripts/contract.sh: finds the PostgreSQL to test against.
#
# PostgreSQL URL: $ZHIDU_TEST_PG_URL if set, else the first of
#   postgres://root@127.0.0.1:5432/test
#   postgres://postgres@127.0.0.1:5432/test
#   postgres://zhidu:zhidu@127.0.0.1:55432/zhidu  (the database of `make db-up`)
# that answers `select 1`. Reachable: ZHIDU_TEST_PG_URL is exported. Not reachable: with
# ZHIDU_REQUIRE_PG=1 this fails; otherwise it warns loudly and exports ZHIDU_TEST_SKIP_PG=1 so
# only SQLite is tested.

# Bound every probe in time: a firewalled port must not hang the test run.
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-5}"

have() { command -v "$1" >/dev/null 2>&1; }

# psql answers `select 1` on $1 (never prompts for a password).
pg_answers() {
    have psql || return 1
    psql -X -q -w -t -A "$1" -c 'select 1' >/dev/null 2>&1
}

pg_url=""
if [[ -n "${ZHIDU_TEST_PG_URL:-}" ]]; then
    if have psql && ! pg_answers "$ZHIDU_TEST_PG_URL"; then
        echo "error: ZHIDU_TEST_PG_URL is set but PostgreSQL does not answer 'select 1' there." >&2
        echo "       (URL without credentials: $(sed -E 's#://[^@/]*@#://***@#' <<<"$ZHIDU_TEST_PG_URL"))" >&2
        echo "       Fix the URL, start the server (make db-up), or unset it." >&2
        exit 1
    fi
    # psql missing: trust the URL that was given explicitly.
    pg_url="$ZHIDU_TEST_PG_URL"
elif have psql; then
    # A closed port refuses at once; PGCONNECT_TIMEOUT bounds a silent one.
    for candidate in \
        "postgres://root@127.0.0.1:5432/test" \
        "postgres://postgres@127.0.0.1:5432/test" \
        "postgres://zhidu:zhidu@127.0.0.1:55432/zhidu"; do
        if pg_answers "$candidate"; then
            pg_url="$candidate"
            break
        fi
    done
fi

if [[ -n "$pg_url" ]]; then
    export ZHIDU_TEST_PG_URL="$pg_url"
    unset ZHIDU_TEST_SKIP_PG
    echo "scripts/test.sh: PostgreSQL reachable; testing SQLite and PostgreSQL." >&2
elif [[ "${ZHIDU_REQUIRE_PG:-0}" == 1 ]]; then
    {
        echo "error: ZHIDU_REQUIRE_PG=1 but PostgreSQL is not reachable."
        echo "       Tried: \$ZHIDU_TEST_PG_URL (unset), postgres://root@127.0.0.1:5432/test,"
        echo "       postgres://postgres@127.0.0.1:5432/test, postgres://zhidu:***@127.0.0.1:55432/zhidu"
        echo "       $(have psql && echo '(psql answered no)' || echo '(psql is not installed)')."
        echo "       Set ZHIDU_TEST_PG_URL or start one with \`make db-up\`."
    } >&2
    exit 1
else
    {
        echo
        echo "################################################################################"
        echo "##                                                                            ##"
        echo "##   PostgreSQL NOT reachable — running SQLite only                           ##"
        echo "##                                                                            ##"
        echo "##   The PostgreSQL half of the tests is SKIPPED, not passed.                 ##"
        echo "##   Set ZHIDU_TEST_PG_URL or start one with \`make db-up\`.                    ##"
        echo "##   \`make test-pg\` (ZHIDU_REQUIRE_PG=1) fails instead of skipping.           ##"
        echo "##                                                                            ##"
        echo "################################################################################"
        echo
    } >&2
    export ZHIDU_TEST_SKIP_PG=1
fi
