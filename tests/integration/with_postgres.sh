#!/usr/bin/env bash
# with_postgres.sh BIN_DIR CMD...: runs CMD with SAHAB_TEST_STORE naming a real PostgreSQL
# server started for it (postgres_lib.sh) and stopped afterwards, SAHAB_TEST_SERVER_PID its
# postmaster (for benchmarks that measure its CPU): the store's unit tests run a second time on
# PostgreSQL through it (tests/CMakeLists.txt).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/postgres_lib.sh"
start_postgres
export SAHAB_TEST_STORE="$PG_URL" SAHAB_TEST_SERVER_PID="$PG_PID"
"${@:2}"
