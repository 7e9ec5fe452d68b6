# policy/inputs: the IAM policies inside input files (bare policies, AWS CLI
# outputs, CloudFormation JSON/YAML, Terraform plan JSON); see
# include/seckit/policy_inputs.h and docs/policy-inputs.md.
libseckit_internal_la_SOURCES += \
	policy/inputs.c \
	policy/inputs_json.c \
	policy/inputs_yaml.c \
	policy/inputs_cfn.c \
	policy/cfn_eval.c \
	policy/inputs_lint.c \
	policy/inputs_config.c
noinst_HEADERS += policy/inputs_internal.h policy/json_internal.h policy/cfn_eval.h
seckitinclude_HEADERS += include/seckit/policy_inputs.h

# Unit tests: detection and extraction of every input kind, positions,
# malformed inputs (truncations and bit flips included).
UNIT_TESTS += tests/unit/test_policy_inputs
check_PROGRAMS += tests/unit/test_policy_inputs
tests_unit_test_policy_inputs_SOURCES = tests/unit/test_policy_inputs.c
tests_unit_test_policy_inputs_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_policy_inputs_LDADD = $(TEST_LDADD)

# Parliament's unit-test policies with expected findings (MANIFEST).
UNIT_TESTS += tests/unit/test_policy_parliament
check_PROGRAMS += tests/unit/test_policy_parliament
tests_unit_test_policy_parliament_SOURCES = tests/unit/test_policy_parliament.c
tests_unit_test_policy_parliament_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_policy_parliament_LDADD = $(TEST_LDADD)

EXTRA_DIST += tests/data/policy tests/bench/bench-policy.sh tests/bench/cjson_parse.c

# Fuzz target: input reader + linter + reports (corpus tests/fuzz/corpus/policy).
FUZZ_TARGETS += tests/fuzz/fuzz_policy
FUZZ_REPLAYERS += tests/fuzz/replay_policy
check_PROGRAMS += tests/fuzz/replay_policy
tests_fuzz_replay_policy_SOURCES = tests/fuzz/fuzz_policy.c tests/fuzz/replay.c
tests_fuzz_replay_policy_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_replay_policy_LDADD = $(TEST_LDADD)
if FUZZING
tests_fuzz_fuzz_policy_SOURCES = tests/fuzz/fuzz_policy.c
tests_fuzz_fuzz_policy_CFLAGS = $(TEST_CFLAGS)
tests_fuzz_fuzz_policy_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_policy_LDADD = $(TEST_LDADD)
endif
