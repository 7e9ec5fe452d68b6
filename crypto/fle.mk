# crypto: see the comment in Makefile.am
