-- Requests without a valid token are not one line each but one line per source address and
-- minute, with how many there were (issue 10, finding 6): a flood cannot fill the table.
-- Every other line counts one request. Written in the SQL that H2 and PostgreSQL both accept.
ALTER TABLE audit ADD COLUMN requests BIGINT DEFAULT 1 NOT NULL;
