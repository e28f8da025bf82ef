// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOCore
import Testing

@testable import TandemServer

/// The decisions of ``HTTPGuardState`` with a clock the test moves: the orders of events a real
/// socket rarely produces on demand (pipelined requests, early answers, refusals owed behind
/// responses). ConnectionLimitsTests shows the same over real sockets.
@Suite struct HTTPGuardStateTests {
    static let settings = HTTPGuardSettings(
        idleTimeout: .seconds(30), headTimeout: .seconds(10), bodyTimeout: .seconds(60), maxHeadBytes: 100,
        maxRequestsPerConnection: 2, lingerTimeout: .seconds(2))
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    static func at(_ seconds: Int64) -> NIODeadline { start + .seconds(seconds) }

    @Test func anIdleConnectionClosesAtTheIdleTimeoutAndNotBefore() {
        var state = HTTPGuardState(settings: Self.settings, now: Self.start)
        #expect(state.nextDeadline == Self.at(30))
        #expect(state.deadlineReached(now: Self.at(29)) == .none)
        #expect(state.deadlineReached(now: Self.at(30)) == .close)
    }

    @Test func theHeadDeadlineRunsFromTheFirstByteAndBytesDoNotMoveIt() {
        var state = HTTPGuardState(settings: Self.settings, now: Self.start)
        #expect(state.admit(1, now: Self.at(5)) == .forward)
        for second in 6...14 { #expect(state.admit(1, now: Self.at(Int64(second))) == .forward) }
        #expect(state.nextDeadline == Self.at(15))
        #expect(state.deadlineReached(now: Self.at(15)) == .send(.timeout))
        #expect(state.admit(1, now: Self.at(15)) == .drop)
        #expect(state.deadlineReached(now: Self.at(17)) == .close, "lingers 2 s")
    }

    @Test func aHeadIsCutAtExactlyTheLimit() {
        var state = HTTPGuardState(settings: Self.settings, now: Self.start)
        #expect(state.admit(60, now: Self.start) == .forward)
        #expect(state.admit(60, now: Self.start) == .forwardPrefix(40))
        #expect(state.afterPrefix(now: Self.start) == .send(.headTooLarge(limit: 100)))

        // A head that ends inside the prefix goes on: the rest is body.
        var fits = HTTPGuardState(settings: Self.settings, now: Self.start)
        #expect(fits.admit(120, now: Self.start) == .forwardPrefix(100))
        fits.headRead(upgrade: false, now: Self.start)
        #expect(fits.afterPrefix(now: Self.start) == .none)
        #expect(fits.admit(20, now: Self.start) == .forward)
    }

    @Test func aSlowBodyMeetsTheIdleGapAndTheBodyDeadline() {
        var state = HTTPGuardState(settings: Self.settings, now: Self.start)
        _ = state.admit(50, now: Self.start)
        state.headRead(upgrade: false, now: Self.start)
        for second in stride(from: 20, through: 40, by: 20) { _ = state.admit(1, now: Self.at(Int64(second))) }
        #expect(state.deadlineReached(now: Self.at(59)) == .none)
        #expect(state.deadlineReached(now: Self.at(60)) == .send(.timeout))

        var stalled = HTTPGuardState(settings: Self.settings, now: Self.start)
        _ = stalled.admit(50, now: Self.start)
        stalled.headRead(upgrade: false, now: Self.start)
        #expect(stalled.deadlineReached(now: Self.at(30)) == .send(.timeout), "no byte for the idle timeout")
    }

    @Test func noDeadlineRunsWhileTheServerWorksOnARequest() {
        var state = HTTPGuardState(settings: Self.settings, now: Self.start)
        _ = state.admit(50, now: Self.start)
        state.headRead(upgrade: false, now: Self.start)
        state.endRead(now: Self.start)
        #expect(state.nextDeadline == nil)
        // …unless the client stops reading the response.
        #expect(state.responseHeadWritten(status: 200) == false)
        state.writabilityChanged(writable: false, now: Self.at(1))
        #expect(state.deadlineReached(now: Self.at(31)) == .close)
    }

    @Test func aRefusalOfAPipelinedHeadWaitsForTheResponseOwedBeforeIt() {
        var state = HTTPGuardState(settings: Self.settings, now: Self.start)
        _ = state.admit(50, now: Self.start)
        state.headRead(upgrade: false, now: Self.start)
        state.endRead(now: Self.start)
        #expect(state.refuse(.malformed, now: Self.at(1)) == .none, "request 1 is still being answered")
        #expect(state.responseHeadWritten(status: 200) == false)
        #expect(state.responseEndWritten(now: Self.at(2)) == .send(.malformed))
    }

    @Test func aRefusalInsideABodyThatWasAlreadyAnsweredOnlyCloses() {
        var state = HTTPGuardState(settings: Self.settings, now: Self.start)
        _ = state.admit(50, now: Self.start)
        state.headRead(upgrade: false, now: Self.start)
        _ = state.responseHeadWritten(status: 413)
        #expect(state.responseEndWritten(now: Self.start) == .none)
        #expect(state.refuse(.malformed, now: Self.start) == .closeOutput)
    }

    @Test func theLastRequestSaysCloseAndNothingAfterItIsRead() {
        var state = HTTPGuardState(settings: Self.settings, now: Self.start)
        for request in 1...2 {
            _ = state.admit(50, now: Self.start)
            state.headRead(upgrade: false, now: Self.start)
            state.endRead(now: Self.start)
            #expect(state.responseHeadWritten(status: 200) == (request == 2))
            #expect(state.responseEndWritten(now: Self.start) == (request == 2 ? .closeOutput : .none))
        }
        #expect(!state.acceptsParts)
        #expect(state.admit(50, now: Self.start) == .drop)
    }

    @Test func anUpgradePassesRawDataThenDisarms() {
        var state = HTTPGuardState(settings: Self.settings, now: Self.start)
        _ = state.admit(50, now: Self.start)
        state.headRead(upgrade: true, now: Self.start)
        state.endRead(now: Self.start)
        #expect(state.passesRawData)
        #expect(state.admit(1000, now: Self.start) == .forward, "frames are not a head")
        #expect(state.responseHeadWritten(status: 101) == false)
        #expect(state.phase == .disarmed)
        #expect(state.nextDeadline == nil)

        // A refused upgrade ends the connection after its answer.
        var refused = HTTPGuardState(settings: Self.settings, now: Self.start)
        _ = refused.admit(50, now: Self.start)
        refused.headRead(upgrade: true, now: Self.start)
        refused.endRead(now: Self.start)
        #expect(refused.responseHeadWritten(status: 403) == true)
        #expect(refused.responseEndWritten(now: Self.start) == .closeOutput)
    }
}
