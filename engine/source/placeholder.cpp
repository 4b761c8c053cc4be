namespace rr::source {}
