# src/aws: see the comment in Makefile.am
