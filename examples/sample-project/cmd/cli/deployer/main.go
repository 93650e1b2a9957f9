// The deployer CLI of the sample project (the deployment guide's CLIs: image cli_deployer): prints its
// version. Released beside the microservices by the reusable workflows' `cli-*` inputs.
package main

import "fmt"

var version = "dev" // set at build time: -ldflags "-X main.version=v1.2.3"

func main() {
	fmt.Printf("deployer %s\n", version)
}
