-- The database leader lease (dev.mooring.control.DatabaseLeaderElector): one row per installation
-- (name = controller/<mooring.instance>). The holder renews by bumping version; the others take it
-- over when version has not moved for the lease duration, as measured on their own clocks.
CREATE TABLE leader_lease (
    name       VARCHAR(320) NOT NULL PRIMARY KEY,
    holder     VARCHAR(255),
    version    BIGINT       NOT NULL,
    renewed_at TIMESTAMP WITH TIME ZONE NOT NULL
);
