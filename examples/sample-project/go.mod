module example.com/sample-project

go 1.22
