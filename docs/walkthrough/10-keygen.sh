# title: make the RSA key pair a CloudFront field-level encryption setup needs
show keygen rsa --out fle-private.pem --public-out fle-public.pem
ls -l fle-private.pem fle-public.pem | awk '{print $1, $NF}'
openssl pkey -in fle-private.pem -check -noout
