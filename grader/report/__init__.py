"""Writers: each turns a Report into one output format and decides nothing."""
