module github.com/eoskeeper/eoskeeper/tools/consul

go 1.24
