# policy/: pure policy logic (lint, evaluation, EMRFS).
seckitinclude_HEADERS += include/seckit/policy.h
