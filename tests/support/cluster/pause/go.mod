// The pod sandbox's pause process, built from our own source: no image can be pulled here.
module reporunner.dev/cluster/pause

go 1.23
