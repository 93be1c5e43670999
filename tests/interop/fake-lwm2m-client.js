#!/usr/bin/env node
/*
 * A scripted LwM2M client, just enough to check the interop server harness
 * (lwm2m-node-server.js) before the bridge can drive it: it Registers,
 * answers Reads of /3/0/R in text/plain, Updates and De-registers, and
 * prints what it sees on the wire.  Node's dgram only, no dependencies.
 *
 * Usage: node fake-lwm2m-client.js PORT EP
 * Lines on stdout:
 *   REGISTERED code=2.01 location=SEG[|SEG...]
 *   GOT GET path=/3/0/0 accept=HEX from=PORT
 *   UPDATED code=2.04
 *   DEREGISTERED code=2.02
 * It updates once it has answered three reads (or after 5 s), and exits 0
 * after the De-register's answer, 1 on any failure, 1 after 20 s at most.
 */
'use strict';

var dgram = require('dgram');

var VALUES = { '0': 'Acme Ltd', '1': 'Model 7', '3': '1.0.2' };
var OPT = { URI_PATH: 11, CONTENT_FORMAT: 12, URI_QUERY: 15, ACCEPT: 17, LOCATION_PATH: 8 };

var port = Number(process.argv[2]);
var ep = process.argv[3];
if (!(port > 0 && port < 65536) || !ep) {
    process.stderr.write('usage: fake-lwm2m-client.js PORT EP\n');
    process.exit(2);
}

var sock = dgram.createSocket('udp4');
var nextMid = 0x1000;
var pending = {}; /* mid -> function(packet) */
var location = null;
var readsAnswered = 0;
var updateTimer = null;

function fail(message) {
    process.stdout.write('FAIL ' + message + '\n');
    process.exit(1);
}

function codeText(code) {
    return (code >> 5) + '.' + ('0' + (code & 31)).slice(-2);
}

function extended(n) {
    return n < 13 ? [n, []] : n < 269 ? [13, [n - 13]] : [14, [(n - 269) >> 8, (n - 269) & 255]];
}

/* options: [[number, Buffer], ...] in ascending number order */
function encode(type, code, mid, token, options, payload) {
    var parts = [Buffer.from([0x40 | (type << 4) | token.length, code, mid >> 8, mid & 255]), token];
    var last = 0;
    options.forEach(function (o) {
        var d = extended(o[0] - last);
        var l = extended(o[1].length);
        parts.push(Buffer.from([(d[0] << 4) | l[0]].concat(d[1], l[1])), o[1]);
        last = o[0];
    });
    if (payload && payload.length) {
        parts.push(Buffer.from([0xff]), Buffer.from(payload));
    }
    return Buffer.concat(parts);
}

function decode(buf) {
    if (buf.length < 4 || buf[0] >> 6 !== 1) {
        return null;
    }
    var tkl = buf[0] & 15;
    var p = { type: (buf[0] >> 4) & 3, code: buf[1], mid: buf.readUInt16BE(2), options: [] };
    var i = 4 + tkl;
    if (tkl > 8 || i > buf.length) {
        return null;
    }
    p.token = buf.slice(4, i);
    var number = 0;
    while (i < buf.length && buf[i] !== 0xff) {
        var d = buf[i] >> 4, l = buf[i] & 15;
        i++;
        var fields = [d, l].map(function (v) {
            if (v === 13) { return 13 + buf[i++]; }
            if (v === 14) { i += 2; return 269 + buf.readUInt16BE(i - 2); }
            return v;
        });
        if (d === 15 || l === 15 || i + fields[1] > buf.length) {
            return null;
        }
        number += fields[0];
        p.options.push([number, buf.slice(i, i + fields[1])]);
        i += fields[1];
    }
    p.payload = i < buf.length ? buf.slice(i + 1) : Buffer.alloc(0);
    return p;
}

function request(code, options, payload, onAnswer) {
    var mid = nextMid++;
    var token = Buffer.from([mid & 255, 0x5a]);
    pending[mid] = onAnswer;
    sock.send(encode(0, code, mid, token, options, payload), port, '127.0.0.1');
}

function locationOptions() {
    return location.map(function (seg) { return [OPT.URI_PATH, Buffer.from(seg)]; });
}

function update() {
    if (updateTimer === null) {
        return;
    }
    clearTimeout(updateTimer);
    updateTimer = null;
    request(2, locationOptions().concat([[OPT.URI_QUERY, Buffer.from('lt=120')]]), null, function (a) {
        process.stdout.write('UPDATED code=' + codeText(a.code) + '\n');
        request(4, locationOptions(), null, function (b) {
            process.stdout.write('DEREGISTERED code=' + codeText(b.code) + '\n');
            process.exit(b.code === 0x42 ? 0 : 1);
        });
    });
}

function answerGet(p, rinfo) {
    var path = p.options.filter(function (o) { return o[0] === OPT.URI_PATH; })
        .map(function (o) { return o[1].toString(); });
    var accept = p.options.filter(function (o) { return o[0] === OPT.ACCEPT; });
    process.stdout.write('GOT GET path=/' + path.join('/') + ' accept=' +
        (accept.length ? (accept[0][1].toString('hex') || 'empty') : 'none') +
        ' from=' + rinfo.port + '\n');
    var value = path.length === 3 && path[0] === '3' && path[1] === '0' ? VALUES[path[2]] : undefined;
    var reply = value === undefined ?
        encode(2, 0x84, p.mid, p.token, [], null) :
        encode(2, 0x45, p.mid, p.token, [[OPT.CONTENT_FORMAT, Buffer.alloc(0)]], value);
    sock.send(reply, rinfo.port, rinfo.address);
    if (value !== undefined && ++readsAnswered === 3) {
        setImmediate(update);
    }
}

sock.on('message', function (buf, rinfo) {
    var p = decode(buf);
    if (!p) {
        fail('undecodable datagram ' + buf.toString('hex'));
    }
    if (p.type === 2 && pending[p.mid]) { /* piggybacked answer */
        var done = pending[p.mid];
        delete pending[p.mid];
        done(p);
    } else if (p.type === 0 && p.code === 1) {
        answerGet(p, rinfo);
    } else if (p.type === 0 && p.code === 0) {
        sock.send(encode(3, 0, p.mid, Buffer.alloc(0), [], null), rinfo.port, rinfo.address);
    }
});

setTimeout(function () { fail('no De-register answer within 20 s'); }, 20000);

sock.bind(0, '127.0.0.1', function () {
    var query = ['ep=' + ep, 'lt=60', 'lwm2m=1.0', 'b=U'].map(function (q) {
        return [OPT.URI_QUERY, Buffer.from(q)];
    });
    var options = [[OPT.URI_PATH, Buffer.from('rd')], [OPT.CONTENT_FORMAT, Buffer.from([40])]]
        .concat(query);
    request(2, options, '</1/0>,</3/0>', function (p) {
        location = p.options.filter(function (o) { return o[0] === OPT.LOCATION_PATH; })
            .map(function (o) { return o[1].toString(); });
        process.stdout.write('REGISTERED code=' + codeText(p.code) + ' location=' +
            location.join('|') + '\n');
        if (p.code !== 0x41 || location.length === 0) {
            fail('bad Register answer');
        }
        updateTimer = setTimeout(update, 5000);
    });
});
