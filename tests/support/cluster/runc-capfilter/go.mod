// A runc front that drops the capabilities this machine's bounding set lacks (see main.go).
module reporunner.dev/cluster/runc-capfilter

go 1.23
