# title: CloudFront field-level encryption: encrypt a form as CloudFront does, decrypt it at the origin
# The form from AWS's FLE blog post; fle-public.pem / fle-private.pem come from 10-keygen.sh.
printf 'Name=Jane+Doe&Phone=404-555-0150\n' >form.txt
cat form.txt
# CloudFront, with public key "DemoPublicKey" and a profile (provider "FLEDemo") encrypting Phone:
show fle encrypt --public-key fle-public.pem --provider FLEDemo --key-name DemoPublicKey \
    --field Phone --in form.txt --out encrypted.txt
cut -c1-72 encrypted.txt
# The origin, with the private key laid out as KEYS/PROVIDER/KEYNAME.pem:
mkdir -p keys/FLEDemo && cp -p fle-private.pem keys/FLEDemo/DemoPublicKey.pem
# Only the fields named are decrypted (--field, or the profile's patterns with --config):
show fle decrypt --keys-dir keys --field Phone --in encrypted.txt
# One stored value on its own:
sed 's/.*Phone=//' encrypted.txt >phone-value.txt
show fle decrypt-value --keys-dir keys --in phone-value.txt
echo
# A key that does not match the field is named in the error (exit 3):
show fle decrypt --raw-rsa-key namespace=FLEDemo,name=OldKey,file=fle-private.pem \
    --field Phone --in encrypted.txt || echo "(exit status $?)"
# The same setup in CloudFront's API shapes, checked, and used as CloudFront selects profiles:
pem=$(awk '{printf "%s\\n", $0}' fle-public.pem)
cat >fle.json <<JSON
{
  "public_keys": [ { "Id": "K1", "Name": "DemoPublicKey", "EncodedKey": "$pem" } ],
  "profiles": [ { "Id": "P1", "Name": "DemoProfile", "CallerReference": "demo-1",
    "EncryptionEntities": { "Quantity": 1, "Items": [ { "PublicKeyId": "K1", "ProviderId": "FLEDemo",
      "FieldPatterns": { "Quantity": 1, "Items": [ "Phone" ] } } ] } } ],
  "config": { "CallerReference": "demo-config-1",
    "ContentTypeProfileConfig": { "ForwardWhenContentTypeIsUnknown": false,
      "ContentTypeProfiles": { "Quantity": 1, "Items": [ { "ContentType": "application/x-www-form-urlencoded",
        "Format": "URLEncoded", "ProfileId": "P1" } ] } } }
}
JSON
show fle check-config fle.json
show fle encrypt --config fle.json --content-type 'application/x-www-form-urlencoded; charset=UTF-8' \
    --in form.txt --out encrypted2.txt
show fle decrypt --keys-dir keys --config fle.json --profile DemoProfile --in encrypted2.txt
# A Phone that arrives in plaintext (CloudFront bypassed) is refused (exit 3):
show fle decrypt --keys-dir keys --config fle.json --profile DemoProfile --in form.txt ||
    echo "(exit status $?)"
