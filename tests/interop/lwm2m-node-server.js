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

function parseResourcePath(path) {
    var m = /^\/([0-9]{1,5})\/([0-9]{1,5})\/([0-9]{1,5})$/.exec(path || '');
    return m ? [m[1], m[2], m[3]] : null;
}

/*
 * Reads the resource and prints READ or READ-ERROR.  The library's own
 * timeout is CoAP's EXCHANGE_LIFETIME (about 247 s); a test cannot wait
 * that long, so a read not answered within readTimeoutMs is reported as
 * an error and its late answer, if any, is ignored.
 */
function readResource(ep, path) {
    var ids = parseResourcePath(path);
    if (!ids) {
        emit('READ-ERROR ep=' + clean(ep) + ' path=' + clean(path) +
            ' error=only /O/I/R resource paths are supported');
        return;
    }
    lwm2mServer.getDevice(ep, function (error, device) {
        if (error) {
            emit('READ-ERROR ep=' + clean(ep) + ' path=' + path + ' error=' + describeError(error));
            return;
        }
        var done = false;
        var timer = setTimeout(function () {
            done = true;
            emit('READ-ERROR ep=' + clean(ep) + ' path=' + path + ' error=timeout after ' +
                options.readTimeoutMs / 1000 + ' s');
        }, options.readTimeoutMs);
        lwm2mServer.read(device.id, ids[0], ids[1], ids[2], function (readError, value) {
            if (done) {
                return;
            }
            done = true;
            clearTimeout(timer);
            if (readError) {
                emit('READ-ERROR ep=' + clean(ep) + ' path=' + path + ' error=' +
                    describeError(readError));
            } else {
                emit('READ ep=' + clean(ep) + ' path=' + path + ' value=' + clean(value));
            }
        });
    });
}

function writeResource(ep, path, value) {
    var ids = parseResourcePath(path);
    if (!ids) {
        emit('WRITE-ERROR ep=' + clean(ep) + ' path=' + clean(path) +
            ' error=only /O/I/R resource paths are supported');
        return;
    }
    lwm2mServer.getDevice(ep, function (error, device) {
        if (error) {
            emit('WRITE-ERROR ep=' + clean(ep) + ' path=' + path + ' error=' + describeError(error));
            return;
        }
        var done = false;
        var timer = setTimeout(function () {
            done = true;
            emit('WRITE-ERROR ep=' + clean(ep) + ' path=' + path + ' error=timeout after ' +
                options.readTimeoutMs / 1000 + ' s');
        }, options.readTimeoutMs);
        lwm2mServer.write(device.id, ids[0], ids[1], ids[2], value, function (writeError) {
            if (done) {
                return;
            }
            done = true;
            clearTimeout(timer);
            if (writeError) {
                emit('WRITE-ERROR ep=' + clean(ep) + ' path=' + path + ' error=' +
                    describeError(writeError));
            } else {
                emit('WRITE ep=' + clean(ep) + ' path=' + path + ' value=' + clean(value));
            }
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
        writeResource(words[1], words[2], line.trim().split(/\s+/).slice(3).join(' '));
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
