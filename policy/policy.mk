# policy/: pure policy logic (lint, evaluation, EMRFS).
