-- SigV4 (the AWS front) needs a key's secret itself, not only its hash:
-- AES-256-GCM under the server's LINKPLANE_AWS_SECRETS_KEY, bound to the
-- key id. NULL for keys made before this column, or while no server key
-- was configured: they keep working as bearer secrets.
ALTER TABLE api_keys ADD COLUMN sigv4_secret_sealed TEXT;
