//! Local emulator of the Atlas encryption-at-rest private-endpoint API.
