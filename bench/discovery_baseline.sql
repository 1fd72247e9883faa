-- pgbench script: the baseline of the discovery benchmark (see bench/README.md).
--
--   pgbench -n -c 8 -j 2 -T 20 -D radius=1000 -f bench/discovery_baseline.sql legami_bench
--
-- The plain indexed SQL equivalent of one discovery page: upcoming sessions in the next
-- 30 days of published activities of accredited organizations, inside the latitude/longitude
-- box of the radius AND within the exact (haversine) distance, first 21 by start time (a page
-- of 20 plus one to know there is a next page). Same 50 centres as bench/discovery.lua
-- (bench/centres.txt), picked at random per transaction. It uses the existing indexes
-- activity_sessions (starts_at) and (latitude, longitude); it does not count the total or
-- load the interests, which the endpoint also returns.

\set i random(1, 50)
\set lat case \
  when :i = 1 then 45.4642 \
  when :i = 2 then 45.4668 \
  when :i = 3 then 45.4705 \
  when :i = 4 then 45.4719 \
  when :i = 5 then 45.4664 \
  when :i = 6 then 45.4680 \
  when :i = 7 then 45.4623 \
  when :i = 8 then 45.4597 \
  when :i = 9 then 45.4548 \
  when :i = 10 then 45.4740 \
  when :i = 11 then 45.4717 \
  when :i = 12 then 45.4685 \
  when :i = 13 then 45.4652 \
  when :i = 14 then 45.4582 \
  when :i = 15 then 45.4535 \
  when :i = 16 then 45.4525 \
  when :i = 17 then 45.4520 \
  when :i = 18 then 45.4775 \
  when :i = 19 then 45.4840 \
  when :i = 20 then 45.4800 \
  when :i = 21 then 45.4755 \
  when :i = 22 then 45.4670 \
  when :i = 23 then 45.4510 \
  when :i = 24 then 45.4600 \
  when :i = 25 then 45.4620 \
  when :i = 26 then 45.4753 \
  when :i = 27 then 45.4655 \
  when :i = 28 then 45.4635 \
  when :i = 29 then 45.4570 \
  when :i = 30 then 45.4683 \
  when :i = 31 then 45.4870 \
  when :i = 32 then 45.4857 \
  when :i = 33 then 45.4780 \
  when :i = 34 then 45.4950 \
  when :i = 35 then 45.4450 \
  when :i = 36 then 45.4780 \
  when :i = 37 then 45.4450 \
  when :i = 38 then 45.4680 \
  when :i = 39 then 45.4600 \
  when :i = 40 then 45.4860 \
  when :i = 41 then 45.5140 \
  when :i = 42 then 45.5140 \
  when :i = 43 then 45.4330 \
  when :i = 44 then 45.4480 \
  when :i = 45 then 45.4780 \
  when :i = 46 then 45.4100 \
  when :i = 47 then 45.4340 \
  when :i = 48 then 45.4840 \
  when :i = 49 then 45.5180 \
  when :i = 50 then 45.4610 \
  else 45.4642 end
\set lon case \
  when :i = 1 then 9.1900 \
  when :i = 2 then 9.1895 \
  when :i = 3 then 9.1795 \
  when :i = 4 then 9.1877 \
  when :i = 5 then 9.1980 \
  when :i = 6 then 9.1760 \
  when :i = 7 then 9.1757 \
  when :i = 8 then 9.1891 \
  when :i = 9 then 9.1948 \
  when :i = 10 then 9.2050 \
  when :i = 11 then 9.2016 \
  when :i = 12 then 9.1950 \
  when :i = 13 then 9.1865 \
  when :i = 14 then 9.1812 \
  when :i = 15 then 9.1700 \
  when :i = 16 then 9.1760 \
  when :i = 17 then 9.1810 \
  when :i = 18 then 9.1850 \
  when :i = 19 then 9.1870 \
  when :i = 20 then 9.2000 \
  when :i = 21 then 9.1950 \
  when :i = 22 then 9.1640 \
  when :i = 23 then 9.2030 \
  when :i = 24 then 9.1940 \
  when :i = 25 then 9.2080 \
  when :i = 26 then 9.1783 \
  when :i = 27 then 9.1725 \
  when :i = 28 then 9.1930 \
  when :i = 29 then 9.1685 \
  when :i = 30 then 9.1830 \
  when :i = 31 then 9.1890 \
  when :i = 32 then 9.2165 \
  when :i = 33 then 9.2270 \
  when :i = 34 then 9.2210 \
  when :i = 35 then 9.1780 \
  when :i = 36 then 9.1560 \
  when :i = 37 then 9.2100 \
  when :i = 38 then 9.1590 \
  when :i = 39 then 9.2200 \
  when :i = 40 then 9.2040 \
  when :i = 41 then 9.2110 \
  when :i = 42 then 9.1360 \
  when :i = 43 then 9.1560 \
  when :i = 44 then 9.1300 \
  when :i = 45 then 9.1240 \
  when :i = 46 then 9.1760 \
  when :i = 47 then 9.2390 \
  when :i = 48 then 9.2400 \
  when :i = 49 then 9.1900 \
  when :i = 50 then 9.0900 \
  else 9.1900 end
-- Degrees of latitude in the radius (mean Earth radius 6371008.8 m, as in src/domain/geo.rs).
\set dlat :radius / 111195.0802
SELECT s.*, a.*, o.name
FROM activity_sessions s
JOIN activities a ON a.id = s.activity_id
JOIN organizations o ON o.id = a.organization_id
WHERE s.starts_at >= (now() AT TIME ZONE 'UTC')
  AND s.starts_at < (now() AT TIME ZONE 'UTC') + interval '30 days'
  AND s.deleted_at IS NULL
  AND s.status = 'scheduled'
  AND a.status = 'published'
  AND a.deleted_at IS NULL
  AND o.status = 'accredited'
  AND s.latitude BETWEEN :lat - :dlat AND :lat + :dlat
  AND s.longitude BETWEEN :lon - :dlat / cos(radians(:lat)) AND :lon + :dlat / cos(radians(:lat))
  AND 2 * 6371008.8 * asin(sqrt(
        power(sin(radians(s.latitude - :lat) / 2), 2)
        + cos(radians(:lat)) * cos(radians(s.latitude)) * power(sin(radians(s.longitude - :lon) / 2), 2)
      )) <= :radius
ORDER BY s.starts_at, s.id
LIMIT 21;
