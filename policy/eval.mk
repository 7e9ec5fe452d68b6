# policy/: the typed policy model and the evaluator (seckit policy eval).
seckitinclude_HEADERS += include/seckit/eval.h
