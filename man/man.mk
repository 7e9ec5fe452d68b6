dist_man_MANS += \
	man/seckit.1 \
	man/seckit-keygen.1 \
	man/seckit-esdk.1 \
	man/seckit-fle.1 \
	man/seckit-policy.1 \
	man/seckit-emrfs.1 \
	man/seckit-aws.1 \
	man/seckit-s3.1 \
	man/libseckit.3
