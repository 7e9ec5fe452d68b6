# The AWS S3 Encryption Client for Ruby (Debian ruby-aws-sdk-s3) as the peer
# of seckit's S3 client-side encryption, for tests/integration/test-s3cse-ruby.sh,
# tests/bench/bench-s3cse-ruby.sh and the fixtures in tests/data/s3cse-ruby/.
#
#   ruby s3cse-ruby.rb ACTION --bucket B --key K [options]
#
# Actions:
#   check                     exit 0 when the gem loads (prints its version)
#   mb                        create the bucket (an existing one is fine)
#   put  --in FILE  KEYOPT [--v1] [--instruction-file] [--matdesc JSON]
#                             encrypt with EncryptionV2::Client (V2: AES/GCM or
#                             RSA-OAEP-SHA1 wrapping) or, with --v1, the legacy
#                             Encryption::Client (V1: AES-CBC, AES-ECB or RSA
#                             PKCS#1 v1.5 wrapping), and upload
#   get  --out FILE KEYOPT [--v2-and-legacy]
#                             download and decrypt with EncryptionV2::Client
#   head --out FILE           HeadObject as `aws s3api head-object` prints it
#                             (JSON with a "Metadata" member)
#   put-plain --in FILE [--metadata JSON-FILE]
#                             plain PutObject with user metadata from a JSON
#                             map (or head-object output's "Metadata")
#   get-plain --out FILE      plain GetObject
#   rm                        delete the object
# KEYOPT: --aes-key FILE (16/24/32 raw bytes) or --rsa-key PEM-FILE.
#
# The endpoint is $S3_ENDPOINT (path-style); credentials and region come from
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION.  Exit status: 0 done,
# 3 the client refused or failed to decrypt (message on stderr), 2 usage,
# 1 anything else.
require 'json'
require 'optparse'
require 'openssl'

begin
  require 'aws-sdk-s3'
rescue LoadError => e
  warn "s3cse-ruby: cannot load aws-sdk-s3 (Debian package ruby-aws-sdk-s3): #{e.message}"
  exit 77
end

opts = { bucket: nil, key: nil }
action = ARGV.shift
parser = OptionParser.new do |o|
  o.on('--bucket B') { |v| opts[:bucket] = v }
  o.on('--key K') { |v| opts[:key] = v }
  o.on('--in FILE') { |v| opts[:in] = v }
  o.on('--out FILE') { |v| opts[:out] = v }
  o.on('--aes-key FILE') { |v| opts[:aes] = v }
  o.on('--rsa-key FILE') { |v| opts[:rsa] = v }
  o.on('--v1') { opts[:v1] = true }
  o.on('--instruction-file') { opts[:instr] = true }
  o.on('--matdesc JSON') { |v| opts[:matdesc] = v }
  o.on('--v2-and-legacy') { opts[:legacy] = true }
  o.on('--metadata FILE') { |v| opts[:metadata] = v }
end
begin
  parser.parse!(ARGV)
rescue OptionParser::ParseError => e
  warn "s3cse-ruby: #{e.message}"
  exit 2
end

if action == 'check'
  puts "aws-sdk-s3 #{Aws::S3::GEM_VERSION}"
  exit 0
end

def usage(msg)
  warn "s3cse-ruby: #{msg}"
  exit 2
end

usage('no action') if action.nil?
usage('--bucket is required') if opts[:bucket].nil?
endpoint = ENV['S3_ENDPOINT'] or usage('S3_ENDPOINT is not set')

s3 = Aws::S3::Client.new(endpoint: endpoint, force_path_style: true,
                         region: ENV['AWS_REGION'] || 'us-east-1',
                         retry_limit: 1)

def master_key(opts)
  if opts[:aes]
    File.binread(opts[:aes])
  elsif opts[:rsa]
    OpenSSL::PKey::RSA.new(File.read(opts[:rsa]))
  else
    usage('give --aes-key FILE or --rsa-key FILE')
  end
end

def v2_client(s3, opts)
  key = master_key(opts)
  args = {
    client: s3,
    encryption_key: key,
    key_wrap_schema: key.is_a?(OpenSSL::PKey::RSA) ? :rsa_oaep_sha1 : :aes_gcm,
    content_encryption_schema: :aes_gcm_no_padding,
    security_profile: opts[:legacy] ? :v2_and_legacy : :v2,
    envelope_location: opts[:instr] ? :instruction_file : :metadata
  }
  args[:materials_description] = opts[:matdesc] if opts[:matdesc]
  Aws::S3::EncryptionV2::Client.new(**args)
end

def v1_client(s3, opts)
  args = {
    client: s3,
    encryption_key: master_key(opts),
    envelope_location: opts[:instr] ? :instruction_file : :metadata
  }
  args[:materials_description] = opts[:matdesc] if opts[:matdesc]
  # The V1 client warns that it is deprecated: expected here.
  saved = $stderr
  $stderr = File.open(File::NULL, 'w')
  begin
    Aws::S3::Encryption::Client.new(**args)
  ensure
    $stderr = saved
  end
end

def need(opts, *names)
  names.each { |n| usage("--#{n} is required") if opts[n].nil? }
end

begin
  case action
  when 'mb'
    begin
      s3.create_bucket(bucket: opts[:bucket])
    rescue Aws::S3::Errors::BucketAlreadyOwnedByYou, Aws::S3::Errors::BucketAlreadyExists
      nil
    end
  when 'put'
    need(opts, :key, :in)
    client = opts[:v1] ? v1_client(s3, opts) : v2_client(s3, opts)
    File.open(opts[:in], 'rb') { |f| client.put_object(bucket: opts[:bucket], key: opts[:key], body: f) }
  when 'get'
    need(opts, :key, :out)
    client = v2_client(s3, opts)
    client.get_object(bucket: opts[:bucket], key: opts[:key], response_target: opts[:out])
  when 'head'
    need(opts, :key, :out)
    r = s3.head_object(bucket: opts[:bucket], key: opts[:key])
    doc = { 'AcceptRanges' => r.accept_ranges, 'LastModified' => r.last_modified&.utc&.iso8601,
            'ContentLength' => r.content_length, 'ETag' => r.etag,
            'ContentType' => r.content_type, 'Metadata' => r.metadata }
    File.write(opts[:out], JSON.pretty_generate(doc) + "\n")
  when 'put-plain'
    need(opts, :key, :in)
    meta = {}
    if opts[:metadata]
      doc = JSON.parse(File.read(opts[:metadata]))
      meta = doc.key?('Metadata') && doc['Metadata'].is_a?(Hash) ? doc['Metadata'] : doc
    end
    File.open(opts[:in], 'rb') do |f|
      s3.put_object(bucket: opts[:bucket], key: opts[:key], body: f, metadata: meta)
    end
  when 'get-plain'
    need(opts, :key, :out)
    s3.get_object(bucket: opts[:bucket], key: opts[:key], response_target: opts[:out])
  when 'rm'
    need(opts, :key)
    s3.delete_object(bucket: opts[:bucket], key: opts[:key])
  else
    usage("unknown action '#{action}'")
  end
rescue Aws::S3::EncryptionV2::Errors::DecryptionError, Aws::S3::Encryption::Errors::DecryptionError,
       OpenSSL::Cipher::CipherError, OpenSSL::PKey::PKeyError, ArgumentError => e
  warn "s3cse-ruby: #{action}: #{e.class}: #{e.message}"
  File.delete(opts[:out]) if opts[:out] && action == 'get' && File.exist?(opts[:out])
  exit 3
rescue Aws::Errors::ServiceError, Seahorse::Client::NetworkingError => e
  warn "s3cse-ruby: #{action}: #{e.class}: #{e.message}"
  exit 1
end
