# policy: see the comment in Makefile.am
