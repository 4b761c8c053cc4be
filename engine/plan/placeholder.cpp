namespace rr::plan {}
