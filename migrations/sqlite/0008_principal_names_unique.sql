-- IAM user and role names are unique in an account whatever their path
-- (`user/alice` and `user/division/alice` cannot both exist); `name` holds
-- the name without its path, which the ARN carries. Principals made when a
-- name could hold a path (`team/app`) keep their ARN and get the name after
-- the last `/`; should that make two of one name, this migration fails
-- rather than let an allowed principal `role/app` match both.
UPDATE principals
   SET name = replace(name, rtrim(name, replace(name, '/', '')), '')
 WHERE name LIKE '%/%';
CREATE UNIQUE INDEX principals_by_name ON principals (account_id, principal_type, name);
