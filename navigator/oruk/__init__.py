"""Open Referral UK 3.0 (the UK profile of HSDS 3.0) out of the store: the compiled objects the
public API serves and the exports write, their ids, paging, and the hidden-address rule."""
