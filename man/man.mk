dist_man_MANS += \
	man/seckit.1 \
	man/seckit-keygen.1 \
	man/seckit-emrfs.1 \
	man/libseckit.3
