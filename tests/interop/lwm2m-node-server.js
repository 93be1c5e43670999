#!/usr/bin/env node
/*
 * A third-party LwM2M server for lwm2m-bridge's interop tests: the server of
 * lwm2m-node-lib (pinned in package.json), in memory, on 127.0.0.1, with
 * one event per line on stdout so a shell test can wait for lines and grep
 * them.  See README.md in this directory for the line formats.
 *
 * Usage: node lwm2m-node-server.js [--no-auto-read] [--read-timeout S] PORT
 *   PORT 0 lets the kernel choose; the LISTENING line names the real port.
 * Commands on stdin, one per line:
 *   read EP /O/I/R          read one resource as text/plain
 *   write EP /O/I/R VALUE   write one resource as text/plain
 *   execute EP /O/I/R [ARGS]
 *   discover EP /O[/I[/R]]
 *   write-attributes EP /O[/I[/R]] NAME=VALUE[&NAME=VALUE...]
 *   observe EP /O/I/R       then NOTIFY lines
 *   cancel EP /O/I/R        forget it; the next notification gets RST
 *   create EP /O/I          the library's Create (POST /O/I, no payload)
 *   quit                    stop and exit 0
 * The process also exits 0 on SIGTERM, SIGINT and when stdin closes.
 */
'use strict';

var HOST = '127.0.0.1';
var AUTO_READ_PATHS = ['/3/0/0', '/3/0/1', '/3/0/3'];

/*
 * The library reads its settings from LWM2M_* variables too, over the
 * configuration given to it; clear them so the caller's environment cannot
 * move the port or select MongoDB behind the test's back.
 */
Object.keys(process.env).forEach(function (name) {
    if (name.indexOf('LWM2M_') === 0) {
        delete process.env[name];
    }
});

/* The library's MongoDB driver warns about circular requires at load time
 * even when MongoDB is not used; keep stderr for what matters. */
process.removeAllListeners('warning');
process.on('warning', function (warning) {
    if (!/circular dependency/.test(warning.message)) {
        process.stderr.write(warning.name + ': ' + warning.message + '\n');
    }
});

var coap = require('coap');
var lwm2mServer = require('lwm2m-node-lib').server;
var logger = require('logops');

var options = parseArgs(process.argv.slice(2));
var serverInfo = null;
var stopping = false;
/* The CoAP request being handled: the library's handlers do not pass the
 * query or options on, and the in-memory registry calls them synchronously
 * from the same 'request' event, so the last request seen is the one. */
var currentRequest = null;

function usage(message) {
    process.stderr.write('lwm2m-node-server: ' + message + '\n' +
        'usage: lwm2m-node-server.js [--no-auto-read] [--read-timeout S] PORT\n');
    process.exit(2);
}

function parseArgs(args) {
    var result = { port: null, autoRead: true, readTimeoutMs: 10000 };
    for (var i = 0; i < args.length; i++) {
        var arg = args[i];
        if (arg === '--no-auto-read') {
            result.autoRead = false;
        } else if (arg === '--read-timeout') {
            var seconds = Number(args[++i]);
            if (!(seconds > 0) || seconds > 600) {
                usage('--read-timeout needs a number of seconds in (0, 600]');
            }
            result.readTimeoutMs = Math.round(seconds * 1000);
        } else if (/^[0-9]+$/.test(arg) && result.port === null) {
            result.port = Number(arg);
            if (result.port > 65535) {
                usage('port out of range: ' + arg);
            }
        } else {
            usage('unexpected argument: ' + arg);
        }
    }
    if (result.port === null) {
        usage('missing PORT');
    }
    return result;
}

/* One line per event.  Writes to pipes and files are synchronous in Node on
 * Linux, so a line is out before the next event is handled. */
function emit(line) {
    process.stdout.write(line + '\n');
}

/* Values and payloads come from the peer: keep them on one line. */
function clean(value) {
    if (value === undefined || value === null || value === '') {
        return '-';
    }
    return String(value).replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
        .replace(/\r/g, '\\r').replace(/[\x00-\x1f\x7f]/g, function (c) {
            return '\\x' + ('0' + c.charCodeAt(0).toString(16)).slice(-2);
        });
}

function describeError(error) {
    if (!error) {
        return 'unknown';
    }
    var text = error.name || 'Error';
    if (error.message) {
        text += ': ' + error.message;
    }
    if (error.code) {
        text += ' (' + error.code + ')';
    }
    return clean(text);
}

function queryOf(req) {
    var query = {};
    var url = require('url').parse(req.url);
    (url.query || '').split('&').forEach(function (pair) {
        if (pair !== '') {
            var eq = pair.indexOf('=');
            query[eq < 0 ? pair : pair.slice(0, eq)] = eq < 0 ? '' : pair.slice(eq + 1);
        }
    });
    return query;
}

/* "/O/I/R" (or, with minLen below 3, "/O" and "/O/I"): the ids as strings,
 * or null. */
function parsePath(path, minLen) {
    var m = /^((?:\/[0-9]{1,5}){1,3})$/.exec(path || '');
    if (!m) {
        return null;
    }
    var ids = path.slice(1).split('/');
    return ids.length >= minLen ? ids : null;
}

/*
 * Runs one library operation on the device registered as ep and prints
 * "KIND ep=EP path=PATH DETAIL" or "KIND-ERROR ep=EP path=PATH error=...".
 * start(device, done) calls the library; done(error, detail) reports.
 * The library's own timeout is CoAP's EXCHANGE_LIFETIME (about 247 s); a
 * test cannot wait that long, so an operation not answered within
 * readTimeoutMs is reported as an error and its late answer is ignored.
 */
function deviceOperation(kind, ep, path, start) {
    var prefix = ' ep=' + clean(ep) + ' path=' + clean(path);
    lwm2mServer.getDevice(ep, function (error, device) {
        if (error) {
            emit(kind + '-ERROR' + prefix + ' error=' + describeError(error));
            return;
        }
        var done = false;
        var timer = setTimeout(function () {
            done = true;
            emit(kind + '-ERROR' + prefix + ' error=timeout after ' +
                options.readTimeoutMs / 1000 + ' s');
        }, options.readTimeoutMs);
        var finish = function (opError, detail) {
            if (done) {
                return;
            }
            done = true;
            clearTimeout(timer);
            if (opError) {
                emit(kind + '-ERROR' + prefix + ' error=' + describeError(opError));
            } else {
                emit(kind + prefix + (detail === undefined ? '' : ' ' + detail));
            }
        };
        try {
            start(device, finish);
        } catch (thrown) {
            finish(thrown);
        }
    });
}

/* Checks the path for a command; prints KIND-ERROR and returns null if
 * it is not one the command takes. */
function commandPath(kind, ep, path, minLen) {
    var ids = parsePath(path, minLen);
    if (!ids) {
        emit(kind + '-ERROR ep=' + clean(ep) + ' path=' + clean(path) + ' error=only ' +
            (minLen === 3 ? '/O/I/R resource' : minLen === 2 ? '/O/I and /O/I/R' :
                '/O, /O/I and /O/I/R') + ' paths are supported');
    }
    return ids;
}

function readResource(ep, path) {
    var ids = commandPath('READ', ep, path, 3);
    if (ids) {
        deviceOperation('READ', ep, path, function (device, done) {
            lwm2mServer.read(device.id, ids[0], ids[1], ids[2], function (error, value) {
                done(error, 'value=' + clean(value));
            });
        });
    }
}

function writeResource(ep, path, value) {
    var ids = commandPath('WRITE', ep, path, 3);
    if (ids) {
        deviceOperation('WRITE', ep, path, function (device, done) {
            lwm2mServer.write(device.id, ids[0], ids[1], ids[2], value, function (error) {
                done(error, 'value=' + clean(value));
            });
        });
    }
}

/* Execute: POST with the arguments (possibly none) as a text payload. */
function executeResource(ep, path, args) {
    var ids = commandPath('EXECUTE', ep, path, 3);
    if (ids) {
        deviceOperation('EXECUTE', ep, path, function (device, done) {
            lwm2mServer.execute(device.id, ids[0], ids[1], ids[2], args, function (error) {
                done(error, 'args=' + clean(args));
            });
        });
    }
}

/* Discover: GET with Accept application/link-format on /O, /O/I or /O/I/R. */
function discoverPath(ep, path) {
    var ids = commandPath('DISCOVER', ep, path, 1);
    if (ids) {
        deviceOperation('DISCOVER', ep, path, function (device, done) {
            var cb = function (error, links) {
                done(error, 'links=' + clean(links));
            };
            /* The library tells the three forms apart by its arguments. */
            if (ids.length === 3) {
                lwm2mServer.discover(device.id, ids[0], ids[1], ids[2], cb);
            } else if (ids.length === 2) {
                lwm2mServer.discover(device.id, ids[0], ids[1], cb);
            } else {
                lwm2mServer.discover(device.id, ids[0], cb);
            }
        });
    }
}

/* Write-Attributes: PUT with the query NAME=VALUE&..., no payload.  The
 * library accepts pmin, pmax, gt, lt, st and cancel only. */
function writeAttributes(ep, path, query) {
    var ids = commandPath('WRITE-ATTRIBUTES', ep, path, 1);
    var attributes = {};
    if (!ids) {
        return;
    }
    query.split('&').forEach(function (pair) {
        var eq = pair.indexOf('=');
        if (pair !== '') {
            attributes[eq < 0 ? pair : pair.slice(0, eq)] = eq < 0 ? '' : pair.slice(eq + 1);
        }
    });
    deviceOperation('WRITE-ATTRIBUTES', ep, path, function (device, done) {
        lwm2mServer.writeAttributes(device.id, ids[0], ids[1], ids[2], attributes,
            function (error) {
                done(error, 'attributes=' + clean(query));
            });
    });
}

/*
 * Observe: OBSERVE with the value the library's callback gets, then one
 * NOTIFY per value its handler gets.  The library's callback does not see
 * the first 2.05 answer (its stream keeps values whose Observe number
 * exceeds the last one, starting from 0), so OBSERVE already carries a
 * notification's value when the answer's Observe is 0.
 */
function observeResource(ep, path) {
    var ids = commandPath('OBSERVE', ep, path, 3);
    if (ids) {
        deviceOperation('OBSERVE', ep, path, function (device, done) {
            lwm2mServer.observe(device.id, ids[0], ids[1], ids[2], function (value) {
                emit('NOTIFY ep=' + clean(ep) + ' path=' + path + ' value=' + clean(value));
            }, function (error, value) {
                done(error, 'value=' + clean(value));
            });
        });
    }
}

/* Cancel: the library forgets the observation locally and sends nothing;
 * the client learns of it from the answer to its next notification. */
function cancelObservation(ep, path) {
    var ids = commandPath('CANCEL', ep, path, 3);
    if (ids) {
        deviceOperation('CANCEL', ep, path, function (device, done) {
            lwm2mServer.cancelObserver(device.id, ids[0], ids[1], ids[2], function (error) {
                var token = observeTokens[device.address + ':' + device.port + path];
                if (!error && token) {
                    cancelledTokens[token] = true;
                }
                done(error, 'token=' + clean(token));
            });
        });
    }
}

/* Create: the library POSTs to /O/I with no payload and expects 2.01. */
function createInstance(ep, path) {
    var ids = parsePath(path, 2);
    if (!ids || ids.length !== 2) {
        emit('CREATE-ERROR ep=' + clean(ep) + ' path=' + clean(path) +
            ' error=only /O/I paths are supported');
        return;
    }
    deviceOperation('CREATE', ep, path, function (device, done) {
        lwm2mServer.create(device.id, ids[0], ids[1], function (error) {
            done(error);
        });
    });
}

function onRegistration(ep, lt, version, binding, payload, callback) {
    emit('REGISTER ep=' + clean(ep) + ' lt=' + clean(lt) + ' lwm2m=' + clean(version) +
        ' b=' + clean(binding) + ' links=' + clean(payload));
    /* The 2.01 goes out when the callback returns; read after that, as a
     * real server does, so the client knows its registration first. */
    callback();
    if (options.autoRead) {
        setImmediate(function () {
            AUTO_READ_PATHS.forEach(function (path) {
                readResource(ep, path);
            });
        });
    }
}

function onUpdate(device, payload, callback) {
    var query = currentRequest ? queryOf(currentRequest) : {};
    emit('UPDATE ep=' + clean(device.name) + ' path=/rd/' + device.id + ' lt=' + clean(query.lt) +
        ' b=' + clean(query.b) + ' links=' + clean(payload));
    callback();
}

function onUnregistration(device, callback) {
    emit('DEREGISTER ep=' + clean(device.name) + ' path=/rd/' + device.id);
    callback();
}

function onExpired(device, callback) {
    emit('EXPIRED ep=' + clean(device.name) + ' path=/rd/' + device.id);
    callback();
}

/* One line per answer the library gives to a client request, so tests can
 * check codes (2.01, 2.04, 2.02, 4.04 ...) without a packet capture. */
function traceResponses(req, res) {
    currentRequest = req;
    if (req.headers && req.headers['Proxy-Uri']) {
        return; /* the library's own read/write, forwarded to a device */
    }
    var end = res.end;
    res.end = function () {
        var location = res._packet && res._packet.options ? res._packet.options
            .filter(function (o) { return o.name === 'Location-Path'; })
            .map(function (o) { return o.value.toString(); }) : [];
        emit('RESPONSE method=' + req.method + ' uri=' + clean(req.url) + ' code=' + res.code +
            (location.length ? ' location=' + clean(location.join('|')) : ''));
        return end.apply(res, arguments);
    };
}

var started = process.hrtime();

/* Milliseconds since the server started, for WIRE lines. */
function sinceStart() {
    var d = process.hrtime(started);
    return d[0] * 1000 + Math.floor(d[1] / 1e6);
}

/* Tokens (hex) of the observations the library has cancelled, and of
 * each device's observations by "host:port/O/I/R" (see relayEmpty). */
var cancelledTokens = {};
var observeTokens = {};
/* Confirmable messages from devices forwarded to an agent, by message ID
 * (the agent's ACK carries nothing else): where its ACK or RST goes. */
var relayPending = {};

/*
 * The library talks to devices through its own CoAP proxy on the
 * listening socket: every read, write or observe goes from a per-request
 * agent socket to the proxy (Proxy-Uri) and from there to the device; the
 * device's answers come back to the proxy, which forwards them to the
 * agent.  Two gaps in that proxy would end every observation at once:
 *  - the agent ACKs a confirmable notification to the proxy, which drops
 *    the ACK (it forwards requests and responses only), so the device
 *    never sees one and, as CoAP asks, retransmits and holds back all its
 *    other confirmable messages, its Updates included;
 *  - cancel closes the agent's socket, so the next notification meets a
 *    closed port instead of the RST that tells the device (RFC 7641 3.6).
 * relayEmpty closes both: it forwards an agent's empty ACK or RST to the
 * device whose message it answers (same message ID), and answers a
 * notification for a cancelled token with RST, as the agent would if its
 * socket were still open.
 */
function relayEmpty(server, packet, buf, rinfo, fromDevice) {
    var sock = server._sock;
    var token = packet.token.toString('hex');
    if (fromDevice && /^[2-5]\./.test(packet.code) && packet.token.length) {
        if (cancelledTokens[token]) {
            var rst = require('coap-packet').generate({ code: '0.00', reset: true,
                messageId: packet.messageId });
            sock.send(rst, 0, rst.length, rinfo.port, rinfo.address);
        } else if (packet.confirmable && server._proxiedRequests[token]) {
            relayPending[packet.messageId] = { port: rinfo.port, host: rinfo.address };
        }
    } else if (!fromDevice && packet.code === '0.00' && (packet.ack || packet.reset) &&
        relayPending[packet.messageId]) {
        var to = relayPending[packet.messageId];
        delete relayPending[packet.messageId];
        sock.send(buf, 0, buf.length, to.port, to.host);
    }
}

/*
 * WIRE lines: the datagrams the library exchanges with devices on its
 * listening socket, except the devices' own requests and the answers to
 * them (Register, Update: see RESPONSE).  A device is a host:port the
 * library's proxy has sent a request to.  They show what the library's
 * callbacks hide: the first 2.05 of an Observe, notification types and
 * Observe numbers, ACKs and RSTs.
 */
function traceWire(server) {
    var parse = require('coap-packet').parse;
    var devices = {};
    var sock = server._sock;
    var describe = function (dir, packet) {
        var request = /^0\.0[1-9]$/.test(packet.code);
        var type = packet.confirmable ? 'CON' : packet.reset ? 'RST' : packet.ack ? 'ACK' : 'NON';
        var line = 'WIRE ' + dir + ' ' + type + ' ' + packet.code + ' t=' + sinceStart() +
            ' mid=' + packet.messageId +
            ' token=' + (packet.token.length ? packet.token.toString('hex') : '-');
        var path = [];
        var observe = null;
        packet.options.forEach(function (o) {
            if (o.name === 'Observe') {
                observe = 0;
                for (var i = 0; i < o.value.length; i++) {
                    observe = observe * 256 + o.value[i];
                }
                line += ' observe=' + observe;
            } else if (o.name === 'Uri-Path') {
                path.push(o.value.toString());
            } else if (o.name === 'Uri-Query') {
                line += ' query=' + clean(o.value.toString());
            }
        });
        if (path.length) {
            line += ' uri=/' + path.join('/');
        }
        if (packet.payload && packet.payload.length) {
            line += ' payload=' + clean(packet.payload.toString('utf8'));
        }
        emit(line);
        return { request: request, observe: observe, uri: '/' + path.join('/') };
    };
    var sendProxied = server._sendProxied;
    server._sendProxied = function (packet, proxyUri) {
        var url = require('url').parse(proxyUri);
        devices[url.hostname + ':' + url.port] = true;
        return sendProxied.apply(this, arguments);
    };
    var send = sock.send;
    sock.send = function (buf, offset, length, port, host) {
        var packet;
        try {
            packet = parse(buf.slice(offset, offset + length));
        } catch (e) {
            packet = null;
        }
        if (packet && devices[host + ':' + port] &&
            (packet.code === '0.00' || /^0\.0[1-9]$/.test(packet.code))) {
            var seen = describe('out', packet);
            if (seen.request && seen.observe === 0) {
                observeTokens[host + ':' + port + seen.uri] = packet.token.toString('hex');
            }
        }
        return send.apply(this, arguments);
    };
    sock.prependListener('message', function (msg, rinfo) {
        var packet;
        try {
            packet = parse(msg);
        } catch (e) {
            return;
        }
        var fromDevice = !!devices[rinfo.address + ':' + rinfo.port];
        if (fromDevice && !/^0\.0[1-9]$/.test(packet.code)) {
            describe('in', packet);
        }
        relayEmpty(server, packet, msg, rinfo, fromDevice);
    });
}

function stop(reason) {
    if (stopping) {
        return;
    }
    stopping = true;
    var finish = function () {
        emit('STOPPED reason=' + reason);
        process.exit(0);
    };
    if (serverInfo) {
        lwm2mServer.getRegistry().stopLifetimeCheck();
        lwm2mServer.stop(serverInfo, finish);
    } else {
        finish();
    }
}

function onCommand(line) {
    var words = line.trim().split(/\s+/);
    if (words[0] === '') {
        return;
    }
    if (words[0] === 'quit' && words.length === 1) {
        stop('quit');
    } else if (words[0] === 'read' && words.length === 3) {
        readResource(words[1], words[2]);
    } else if (words[0] === 'write' && words.length >= 4) {
        writeResource(words[1], words[2], words.slice(3).join(' '));
    } else if (words[0] === 'execute' && words.length >= 3) {
        executeResource(words[1], words[2], words.slice(3).join(' '));
    } else if (words[0] === 'discover' && words.length === 3) {
        discoverPath(words[1], words[2]);
    } else if (words[0] === 'write-attributes' && words.length === 4) {
        writeAttributes(words[1], words[2], words[3]);
    } else if (words[0] === 'observe' && words.length === 3) {
        observeResource(words[1], words[2]);
    } else if (words[0] === 'cancel' && words.length === 3) {
        cancelObservation(words[1], words[2]);
    } else if (words[0] === 'create' && words.length === 3) {
        createInstance(words[1], words[2]);
    } else {
        emit('COMMAND-ERROR line=' + clean(line));
    }
}

function listenStdin() {
    var buffered = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', function (chunk) {
        buffered += chunk;
        var nl;
        while ((nl = buffered.indexOf('\n')) >= 0) {
            onCommand(buffered.slice(0, nl));
            buffered = buffered.slice(nl + 1);
        }
    });
    process.stdin.on('end', function () {
        if (buffered !== '') {
            onCommand(buffered);
        }
        stop('stdin closed');
    });
    process.stdin.on('error', function () {
        stop('stdin error');
    });
}

function main() {
    /* The library binds its socket to every address; a test server should
     * not be reachable from outside the host. */
    var listen = coap.createServer.prototype.listen;
    coap.createServer.prototype.listen = function (port, address, done) {
        if (typeof address === 'function' || address === undefined || address === null) {
            return listen.call(this, port, HOST, typeof address === 'function' ? address : done);
        }
        return listen.call(this, port, address, done);
    };

    var config = {
        port: options.port,
        serverProtocol: 'udp4',
        ipProtocol: 'udp4',
        logLevel: 'FATAL',
        deviceRegistry: { type: 'memory' },
        defaultType: 'Device',
        lifetimeCheckInterval: 1000,
        /* Text is content format 0; the library's default is the obsolete
         * 1541, which real clients refuse with 4.06 / 4.15. */
        formats: [{ name: 'text/plain', value: 0 }],
        writeFormat: 'text/plain',
        defaultAcceptFormat: 'text/plain'
    };

    logger.setStream(process.stderr);
    logger.setLevel('FATAL');

    process.on('SIGTERM', function () { stop('SIGTERM'); });
    process.on('SIGINT', function () { stop('SIGINT'); });

    lwm2mServer.start(config, function (error, info) {
        if (error) {
            process.stderr.write('lwm2m-node-server: cannot start: ' + describeError(error) + '\n');
            process.exit(1);
        }
        serverInfo = info;
        var port = info.server._sock.address().port;
        /* Reads go to the library's own socket with a Proxy-Uri, which it
         * forwards to the device from the listening port: it must know the
         * real port when 0 was asked for.  config is shared by reference. */
        config.port = port;
        info.server.prependListener('request', traceResponses);
        traceWire(info.server);
        lwm2mServer.setHandler(info, 'registration', onRegistration);
        lwm2mServer.setHandler(info, 'updateRegistration', onUpdate);
        /* Not lwm2mServer.setHandler: for 'unregistration' it restarts the
         * lifetime check with an undefined interval (a 1 ms busy loop) and
         * reports expiry through the same handler as a De-register. */
        info.handlers.unregistration.user = onUnregistration;
        lwm2mServer.getRegistry().checkLifetime(config.lifetimeCheckInterval, onExpired);
        emit('LISTENING ' + HOST + ':' + port);
        listenStdin();
    });
}

main();
