// etcd's server as its own main package: go.etcd.io/etcd's main module carries replace directives,
// so `go install go.etcd.io/etcd/v3@version` refuses it; etcdmain is the same entry point.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
