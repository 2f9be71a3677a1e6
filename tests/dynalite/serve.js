// dynalite (an open-source DynamoDB API server) in memory on a free port of
// 127.0.0.1, for the tests. Prints the port on its first line of output and
// runs until killed. Tables become ACTIVE at once (no CREATING delay).
'use strict'
const dynalite = require('dynalite')

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
const port = Number(process.argv[2] || 0)
server.listen(port, '127.0.0.1', (err) => {
  if (err) {
    console.error('dynalite: ' + err)
    process.exit(1)
  }
  console.log(String(server.address().port))
})
// In memory: nothing to flush, so a signal ends it at once (open keep-alive
// connections would hold server.close() back).
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0))
