# title: S3 client-side encryption offline: an envelope round trip in the AWS S3 Encryption Clients' format
head -c 32 /dev/urandom >s3-aes.key
chmod 600 s3-aes.key
printf 'quarterly numbers\n' >report.txt
# The body to upload and the metadata to store with it (the map that
# `aws s3 cp --metadata file://meta.json` takes).
show s3 encrypt --raw-aes-key file=s3-aes.key --in report.txt --out report.enc --metadata-out meta.json
cat meta.json
show s3 decrypt --raw-aes-key file=s3-aes.key --in report.enc --metadata meta.json
# The envelope in an instruction file (stored as KEY.instruction) instead.
show s3 encrypt --raw-aes-key file=s3-aes.key --in report.txt --out report2.enc \
    --metadata-out meta2.json --instruction-file-out report2.enc.instruction
show s3 decrypt --raw-aes-key file=s3-aes.key --in report2.enc --metadata meta2.json \
    --instruction-file report2.enc.instruction
# A modified body is refused and nothing is written (exit status 4).
cp report.enc tampered.enc
printf 'X' | dd of=tampered.enc bs=1 seek=3 conv=notrunc 2>/dev/null
show s3 decrypt --raw-aes-key file=s3-aes.key --in tampered.enc --metadata meta.json \
    --out never.txt || echo "exit status $? and never.txt: $(ls never.txt 2>&1 | head -1)"
