// A small Express app: GET / answers "hello from Node" on port 8080, on all interfaces.
'use strict';
const express = require('express');

const app = express();
const port = Number(process.env.PORT || 8080);

app.get('/', (req, res) => {
  res.type('text/plain').send('hello from Node (Express)\n');
});

app.listen(port, '0.0.0.0', () => console.log(`listening on :${port}`));
