#!/usr/bin/env node
/**
 * The `callstate-flows` command (see {@link runFlowsCommand} and `callstate-flows --help`).
 *
 * @packageDocumentation
 */
import { runFlowsCommand } from './command';

runFlowsCommand(process.argv.slice(2)).then(
  // WebRTC in Node keeps native threads alive after its peer connections close: exit explicitly.
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`callstate-flows: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
