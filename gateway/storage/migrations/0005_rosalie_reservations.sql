-- Rosalie's hotel bookings (API v1.1 POST /reservations): each booking's own
-- key (idReservation) and the emergency request whose placement it made or
-- extended, so that POST /reservations/{idReservation}/fin finds the request
-- through any booking of the placement. One row per (partner, idReservation):
-- a booking is never recorded twice.
CREATE TABLE rosalie_reservations (
  partner        text NOT NULL,
  id_reservation text NOT NULL CHECK (length(id_reservation) BETWEEN 1 AND 128),
  request_id     bigint NOT NULL,
  hotel          text NOT NULL,
  start_date     date NOT NULL,
  end_date       date NOT NULL,
  extends        boolean NOT NULL,  -- it extended the placement rather than made it
  created_at     timestamptz NOT NULL,
  created_by     text NOT NULL,
  PRIMARY KEY (partner, id_reservation)
);
CREATE INDEX rosalie_reservations_by_request ON rosalie_reservations (request_id);
