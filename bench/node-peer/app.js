// The design this shop comes from, as a benchmark peer: Express with
// express-session and connect-redis on Redis, the cart inside the session
// (read it, push a line, write the whole session back). Started by
// `make bench` (bench/run.py); not part of the shop.
//
//   REDIS_URL=redis://127.0.0.1:6379/0 PORT=3000 WORKERS=4 node app.js

const cluster = require("node:cluster");
const express = require("express");
const session = require("express-session");
const { RedisStore } = require("connect-redis");
const Redis = require("ioredis");

const workers = Number(process.env.WORKERS || 4);

if (cluster.isPrimary) {
  for (let n = 0; n < workers; n += 1) cluster.fork();
} else {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(
    session({
      store: new RedisStore({ client: new Redis(process.env.REDIS_URL), prefix: "node-sess:" }),
      secret: process.env.SESSION_SECRET || "benchmark-only",
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: "lax", maxAge: 3600 * 1000 },
    }),
  );
  app.use((req, res, next) => {
    res.set("X-Served-By", `node:${process.pid}`);
    next();
  });
  app.post("/login", (req, res) => {
    req.session.user = "demo";
    res.json({ ok: true });
  });
  // A JSON route that reads the session.
  app.get("/session", (req, res) => {
    res.json({ user: req.session.user || null, count: (req.session.cart || []).length });
  });
  // The cart add of the design: read-modify-write of the whole session.
  app.post("/cart/add", (req, res) => {
    req.session.cart = req.session.cart || [];
    req.session.cart.push({ product: req.body.product || "1", quantity: 1 });
    res.json({ count: req.session.cart.length });
  });
  app.listen(Number(process.env.PORT || 3000), "127.0.0.1");
}
