//go:build tools

// Package tools pins etcd's server command (the main package at the module's root).
package tools

import _ "go.etcd.io/etcd/server/v3"
