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

# The command: seckit policy eval.
seckit_SOURCES += src/cli/cmd_policy_eval.c
noinst_HEADERS += src/cli/cmd_policy.h
