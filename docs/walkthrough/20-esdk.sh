# title: AWS Encryption SDK messages: a raw-AES round trip, then a CloudFront-shaped RSA value
head -c 32 /dev/urandom >demo-aes.key
chmod 600 demo-aes.key
printf 'card=4111111111111111\n' >secret.txt
show esdk encrypt --raw-aes-key namespace=demo,name=key-1,file=demo-aes.key \
    --encryption-context purpose=walkthrough --in secret.txt --out secret.esdk
od -A d -t x1 -N 4 secret.esdk
show esdk decrypt --raw-aes-key namespace=demo,name=key-1,file=demo-aes.key \
    --encryption-context purpose=walkthrough --in secret.esdk
# A modified message is refused and nothing is written (exit status 4).
cp secret.esdk tampered.esdk
printf 'X' | dd of=tampered.esdk bs=1 seek=200 conv=notrunc 2>/dev/null
show esdk decrypt --raw-aes-key namespace=demo,name=key-1,file=demo-aes.key \
    --in tampered.esdk --out never.txt || echo "exit status $? and never.txt: $(ls never.txt 2>&1 | head -1)"
# What CloudFront FLE puts in a form field: suite 0x0178, RSA-OAEP-SHA256, base64.
if [ ! -f fle-private.pem ]; then
    "$SECKIT" keygen rsa --out fle-private.pem --public-out fle-public.pem
fi
printf '4111111111111111' | "$SECKIT" esdk encrypt --base64 --suite 0x0178 \
    --commitment-policy forbid-encrypt-allow-decrypt \
    --raw-rsa-key namespace=FLEDemo,name=DemoPublicKey,file=fle-public.pem >field.b64
cut -c1-60 field.b64
show esdk decrypt --base64 --commitment-policy require-encrypt-allow-decrypt \
    --raw-rsa-key namespace=FLEDemo,name=DemoPublicKey,file=fle-private.pem --in field.b64
echo
