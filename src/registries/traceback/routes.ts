// REST API of robocall traceback and fraud signals: operators open traces and answer when asked, report, challenge
// and clear signals; anyone with a key reads traces and signals and asks whether a number is flagged. Schemas in
// schemas.ts; no SQL, no rules here (the contracts decide who may answer, clear or challenge).
import type { Address, Hex } from "viem";
import {
  type ApiApp,
  Bytes32Schema,
  invalidField,
  pageOf,
  pageOfRows,
  pageRequest,
  readErrors,
  strictObject,
  writeErrors,
} from "../../core/api/index.ts";
import { invalidRegistriesInput } from "../errors.ts";
import { E164Schema } from "../ports/schemas.ts";
import type { RegistriesRuntime } from "../runtime.ts";
import type { SignalView, TraceView } from "./readModel.ts";
import { registerCallRoutes } from "./routesCalls.ts";
import { registerFlagRoutes } from "./routesFlags.ts";
import { registerSpcRoutes } from "./routesSpcs.ts";
import {
  AnswerBodySchema,
  ChallengeBodySchema,
  NumberCheckSchema,
  OpenTraceBodySchema,
  ReportSignalBodySchema,
  SignalOutcomeSchema,
  SignalPageQuery,
  SignalSchema,
  TraceOutcomeSchema,
  TracePageQuery,
  TraceSchema,
} from "./schemas.ts";

const tags = ["registries"];
const TraceIdParams = strictObject({ traceId: Bytes32Schema });
const SignalIdParams = strictObject({ signalId: Bytes32Schema });

/** The single id of a keyset cursor, or a named error. */
function afterOf(query: { limit?: number; cursor?: string }): { limit: number; after?: string } {
  const { limit, after } = pageRequest(query, 1);
  if (after !== undefined && typeof after[0] !== "string") {
    throw invalidField("query.cursor", "is not a cursor returned by this endpoint");
  }
  return { limit, ...(after ? { after: String(after[0]) } : {}) };
}

export function registerTracebackRoutes(app: ApiApp, rt: RegistriesRuntime): void {
  const nameOf = async (address: Address | null) =>
    address === null ? null : ((await rt.members.getMember(address))?.name ?? null);
  const shownTrace = async (t: TraceView) => {
    const origin = t.state === "completed" ? t.asked : null;
    const passport = t.passport && {
      ...t.passport,
      originProviderName: await nameOf(t.passport.originProvider),
      originMatchesPath: origin === null ? null : origin === t.passport.originProvider,
    };
    return {
      ...t,
      passport,
      requesterName: await nameOf(t.requester),
      askedName: await nameOf(t.asked),
      overdue: t.state === "open" && Date.now() > Date.parse(t.deadline),
      origin,
      originName: await nameOf(origin),
      hops: await Promise.all(t.hops.map(async (h) => ({ ...h, carrierName: await nameOf(h.carrier) }))),
    };
  };
  const shownSignal = async (s: SignalView) => ({
    ...s,
    reporterName: await nameOf(s.reporter),
    live: s.state !== "cleared" && Date.now() < Date.parse(s.expiresAt),
  });
  const traceOutcome = async (o: { trace: TraceView; txHash: Hex }) => ({
    trace: await shownTrace(o.trace),
    txHash: o.txHash,
  });
  const signalOutcome = async (o: { signal: SignalView; txHash: Hex }) => ({
    signal: await shownSignal(o.signal),
    txHash: o.txHash,
  });

  app.post(
    "/v1/registries/traces",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "Open a traceback of a call (by its identifiers, or its SHAKEN PASSporT), asking the carrier this member received it from",
        tags,
        operationId: "openTrace",
        body: OpenTraceBodySchema,
        response: {
          201: TraceOutcomeSchema,
          ...writeErrors("REGISTRIES_INVALID_INPUT", "REGISTRIES_NO_CONSORTIUM_KEY", "REGISTRIES_PASSPORT_INVALID"),
        },
      },
    },
    async (request, reply) => {
      const { call, passport, firstHop, attestation, hopWindowSeconds } = request.body;
      const window = hopWindowSeconds !== undefined ? { hopWindowSeconds } : {};
      if (passport !== undefined) {
        if (call !== undefined) throw invalidRegistriesInput("body.call", "must be left out with body.passport");
        if (attestation !== undefined) {
          throw invalidRegistriesInput("body.attestation", "comes from body.passport's attest claim");
        }
        const opened = await rt.traceback.openFromPassport({ passport, firstHop: firstHop as Address, ...window });
        return reply.code(201).send(await traceOutcome(opened));
      }
      if (call === undefined) throw invalidRegistriesInput("body.call", "or body.passport is required");
      const opened = await rt.traceback.open({
        call,
        firstHop: firstHop as Address,
        ...(attestation !== undefined ? { attestation } : {}),
        ...window,
      });
      return reply.code(201).send(await traceOutcome(opened));
    },
  );

  registerSpcRoutes(app, rt, nameOf);
  registerCallRoutes(app, rt, rt.traceback.memberAccount);
  registerFlagRoutes(app, rt, afterOf);

  app.get(
    "/v1/registries/traces",
    {
      schema: {
        summary: "Traces on the ledger by id: opened by a member, asking a carrier, in one state, of one call",
        tags,
        operationId: "listTraces",
        querystring: TracePageQuery,
        response: { 200: pageOf(TraceSchema), ...readErrors() },
      },
    },
    async (request) => {
      const page = afterOf(request.query);
      const { requester, asked, state, callDigest } = request.query;
      const rows = await rt.tracebackReadModel.traces(
        {
          ...(requester ? { requester } : {}),
          ...(asked ? { asked } : {}),
          ...(state ? { state } : {}),
          ...(callDigest ? { callDigest } : {}),
        },
        page,
      );
      const result = pageOfRows(rows, page.limit, (r) => [r.traceId]);
      return { ...result, items: await Promise.all(result.items.map(shownTrace)) };
    },
  );

  app.get(
    "/v1/registries/traces/:traceId",
    {
      schema: {
        summary: "One trace: its path hop by hop, the carrier asked and its deadline, or the origin",
        tags,
        operationId: "getTrace",
        params: TraceIdParams,
        response: { 200: TraceSchema, ...readErrors("REGISTRIES_TRACE_NOT_FOUND") },
      },
    },
    async (request) => shownTrace(await rt.traceback.trace(request.params.traceId)),
  );

  app.post(
    "/v1/registries/traces/:traceId/answer",
    {
      config: { auth: "operator" },
      schema: {
        summary: "The carrier asked names the carrier it received the call from, or null: originated here",
        tags,
        operationId: "answerTrace",
        params: TraceIdParams,
        body: AnswerBodySchema,
        response: { 200: TraceOutcomeSchema, ...writeErrors("REGISTRIES_TRACE_NOT_FOUND") },
      },
    },
    async (request) =>
      traceOutcome(
        await rt.traceback.answer(
          request.params.traceId as Hex,
          request.body.upstream as Address | null,
          request.body.evidence as Hex | undefined,
        ),
      ),
  );

  app.post(
    "/v1/registries/traces/:traceId/unanswered",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Record that the carrier asked let its deadline pass (the trace stops there)",
        tags,
        operationId: "markTraceUnanswered",
        params: TraceIdParams,
        response: { 200: TraceOutcomeSchema, ...writeErrors("REGISTRIES_TRACE_NOT_FOUND") },
      },
    },
    async (request) => traceOutcome(await rt.traceback.markUnanswered(request.params.traceId as Hex)),
  );

  app.post(
    "/v1/registries/signals",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Report a fraud signal about a number (Wangiri, robocall campaign, SIM box, SIM swap, port-out)",
        tags,
        operationId: "reportSignal",
        body: ReportSignalBodySchema,
        response: {
          201: SignalOutcomeSchema,
          ...writeErrors("REGISTRIES_INVALID_INPUT", "REGISTRIES_NO_CONSORTIUM_KEY"),
        },
      },
    },
    async (request, reply) => {
      const { holder, expiresInSeconds, evidence, ...rest } = request.body;
      const reported = await rt.signals.report({
        ...rest,
        evidence: evidence as Hex,
        ...(holder !== undefined ? { holder: holder as Address } : {}),
        ...(expiresInSeconds !== undefined ? { expiresInSeconds } : {}),
      });
      return reply.code(201).send(await signalOutcome(reported));
    },
  );

  app.get(
    "/v1/registries/signals",
    {
      schema: {
        summary: "Fraud signals on the ledger by id: of one reporter, of one kind",
        tags,
        operationId: "listSignals",
        querystring: SignalPageQuery,
        response: { 200: pageOf(SignalSchema), ...readErrors() },
      },
    },
    async (request) => {
      const page = afterOf(request.query);
      const { reporter, kind } = request.query;
      const rows = await rt.tracebackReadModel.signals(
        { ...(reporter ? { reporter } : {}), ...(kind ? { kind } : {}) },
        page,
      );
      const result = pageOfRows(rows, page.limit, (r) => [r.signalId]);
      return { ...result, items: await Promise.all(result.items.map(shownSignal)) };
    },
  );

  app.get(
    "/v1/registries/signals/number/:number",
    {
      schema: {
        summary: "Is this number flagged? Its live fraud signals (by its keyed hash), newest first",
        tags,
        operationId: "checkNumberSignals",
        params: strictObject({ number: E164Schema }),
        response: { 200: NumberCheckSchema, ...readErrors("REGISTRIES_NO_CONSORTIUM_KEY") },
      },
    },
    async (request) => {
      const check = await rt.signals.check(request.params.number);
      return { ...check, signals: await Promise.all(check.signals.map(shownSignal)) };
    },
  );

  app.get(
    "/v1/registries/signals/:signalId",
    {
      schema: {
        summary: "One fraud signal",
        tags,
        operationId: "getSignal",
        params: SignalIdParams,
        response: { 200: SignalSchema, ...readErrors("REGISTRIES_SIGNAL_NOT_FOUND") },
      },
    },
    async (request) => shownSignal(await rt.signals.signal(request.params.signalId)),
  );

  app.post(
    "/v1/registries/signals/:signalId/challenge",
    {
      config: { auth: "operator" },
      schema: {
        summary: "The number holder's operator disputes a signal with its own evidence",
        tags,
        operationId: "challengeSignal",
        params: SignalIdParams,
        body: ChallengeBodySchema,
        response: { 200: SignalOutcomeSchema, ...writeErrors("REGISTRIES_SIGNAL_NOT_FOUND") },
      },
    },
    async (request) =>
      signalOutcome(await rt.signals.challenge(request.params.signalId as Hex, request.body.evidence as Hex)),
  );

  app.post(
    "/v1/registries/signals/:signalId/clear",
    {
      config: { auth: "operator" },
      schema: {
        summary: "The reporter clears its signal",
        tags,
        operationId: "clearSignal",
        params: SignalIdParams,
        response: { 200: SignalOutcomeSchema, ...writeErrors("REGISTRIES_SIGNAL_NOT_FOUND") },
      },
    },
    async (request) => signalOutcome(await rt.signals.clear(request.params.signalId as Hex)),
  );
}
