# policy/: the typed policy model and the evaluator (seckit policy eval).
seckitinclude_HEADERS += include/seckit/eval.h
libseckit_internal_la_SOURCES += \
	policy/arn.c \
	policy/condition.c \
	policy/vars.c \
	policy/model.c \
	policy/eval.c \
	policy/eval_authz.c
noinst_HEADERS += policy/model.h

# Tests: IAM User Guide evaluation cases (unit), the command (script), the
# differential test against @cloud-copilot/iam-simulate (an outside oracle,
# installed by the test from tests/interop/package.json).
check_PROGRAMS += tests/interop/policy_eval_cases
tests_interop_policy_eval_cases_SOURCES = tests/interop/policy_eval_cases.c
tests_interop_policy_eval_cases_CFLAGS = $(TEST_CFLAGS)
tests_interop_policy_eval_cases_LDADD = $(TEST_LDADD)
UNIT_TESTS += tests/unit/test_policy_eval
check_PROGRAMS += tests/unit/test_policy_eval
tests_unit_test_policy_eval_SOURCES = tests/unit/test_policy_eval.c
tests_unit_test_policy_eval_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_policy_eval_LDADD = $(TEST_LDADD)
SCRIPT_TESTS += tests/cli/test-policy-eval.sh tests/cli/test-policy-eval-interop.sh
EXTRA_DIST += tests/interop/policy-eval-diff.js tests/bench/bench-policy-eval.sh

# Fuzz target: the policy compiler and evaluator (corpus tests/fuzz/corpus/policy_eval,
# distributed with tests/fuzz/corpus; tests/data/policy/eval and docs/ likewise).
FUZZ_TARGETS += tests/fuzz/fuzz_policy_eval
FUZZ_REPLAYERS += tests/fuzz/replay_policy_eval
check_PROGRAMS += tests/fuzz/replay_policy_eval
tests_fuzz_replay_policy_eval_SOURCES = tests/fuzz/fuzz_policy_eval.c tests/fuzz/replay.c
tests_fuzz_replay_policy_eval_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_replay_policy_eval_LDADD = $(TEST_LDADD)
if FUZZING
tests_fuzz_fuzz_policy_eval_SOURCES = tests/fuzz/fuzz_policy_eval.c
tests_fuzz_fuzz_policy_eval_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_fuzz_policy_eval_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_policy_eval_LDADD = $(TEST_LDADD)
endif
