-- IAM user and role names are unique in an account whatever their path
-- (`user/alice` and `user/division/alice` cannot both exist); `name` holds
-- the name without its path, which the ARN carries.
CREATE UNIQUE INDEX principals_by_name ON principals (account_id, principal_type, name);
