import Foundation
import Synchronization
import Testing
import Support

@Suite struct ProgressLineTests {
    @Test func formatsLabelBarCountsRateAndETA() {
        let line = ProgressLine(label: "lift", done: 40, total: 96, unit: "views", doneSinceStart: 40, elapsed: 10)
        // 40/96 of 24 cells = 10 filled; 4 views/s; 56 left at 4/s = 14 s.
        #expect(line.text == "lift         [##########..............] 40/96 views  4.0 views/s  ETA 14 s")
    }

    @Test func extraFieldsComeBeforeTheETA() {
        let fields = [ProgressField("loss", 0.123456, format: "%.4f"), ProgressField("lr", 0.001, format: "%.2e")]
        let line = ProgressLine(label: "train", done: 150, total: 600, unit: "steps", doneSinceStart: 50,
                                elapsed: 25, fields: fields)
        // Resumed at step 100: the rate counts only the 50 new steps (2/s), so 450 left take 225 s = 3:45.
        #expect(line.text == "train        [######..................] 150/600 steps  2.0 steps/s  loss 0.1235  lr 1.00e-03  ETA 3:45")
    }

    @Test func unknownRateShowsQuestionMark() {
        let line = ProgressLine(label: "fusion", done: 0, total: 10, unit: "frames", doneSinceStart: 0, elapsed: 0)
        #expect(line.rate == 0)
        #expect(line.etaSeconds == nil)
        #expect(line.text.hasSuffix("0/10 frames  0.0 frames/s  ETA ?"))
    }

    @Test func barStaysInsideItsCellsAndLongLabelsAreKept() {
        let over = ProgressLine(label: "a-long-stage-name", done: 12, total: 10, unit: "", doneSinceStart: 12, elapsed: 1)
        #expect(over.text.hasPrefix("a-long-stage-name [" + String(repeating: "#", count: ProgressLine.barWidth) + "] 12/10  12.0 /s"))
        let empty = ProgressLine(label: "x", done: 0, total: 0, unit: "items", doneSinceStart: 0, elapsed: 1)
        #expect(empty.text.contains("[" + String(repeating: "#", count: ProgressLine.barWidth) + "] 0/0 items"))
    }

    @Test(arguments: [(0.4, "0 s"), (59.4, "59 s"), (60, "1:00"), (3599, "59:59"), (3600, "1:00:00"), (7384, "2:03:04"),
                      (Double.infinity, "?")])
    func durations(seconds: Double, text: String) {
        #expect(ProgressLine.duration(seconds) == text)
    }

    @Test func nonFiniteFieldsPrintPlainly() {
        #expect(ProgressField("loss", .nan, format: "%.4f").text == "nan")
        #expect(ProgressField("lr", 2.5e-4).text == "0.00025")
    }
}

/// A fake clock and output sink for driving a bar deterministically.
final class Recorder: Sendable {
    let output = Mutex<[String]>([])
    let now = Mutex<Double>(0)

    func bar(_ style: ProgressBar.Style) -> ProgressBar {
        ProgressBar("stage", unit: "items", style: style,
                    write: { text in self.output.withLock { $0.append(text) } },
                    clock: { self.now.withLock { $0 } })
    }

    func advance(_ seconds: Double) { now.withLock { $0 += seconds } }
    var written: [String] { output.withLock { $0 } }
}

@Suite struct ProgressBarTests {
    @Test func redrawIsThrottledAndEndsWithNewline() {
        let r = Recorder()
        let bar = r.bar(.redraw)
        bar.update(1, of: 4)           // first draw
        bar.update(2, of: 4)           // same instant: skipped
        r.advance(1)
        bar.update(3, of: 4)
        bar.update(4, of: 4)           // the last one always draws
        bar.update(4, of: 4)           // already finished: nothing more
        let out = r.written
        #expect(out.count == 3)
        #expect(out.allSatisfy { $0.hasPrefix("\rstage        [") })
        #expect(out[1].contains("3/4 items  3.0 items/s"))
        #expect(out[2].hasSuffix("ETA 0 s\n"))
        #expect(!out[1].hasSuffix("\n"))
    }

    @Test func linesStyleWritesWholeLinesAtFractions() {
        let r = Recorder()
        let bar = r.bar(.lines(count: 4))
        for i in 1...10 { r.advance(1); bar.update(i, of: 10) }
        // Every 10 / 4 = 2 items, plus the last: 2, 4, 6, 8, 10.
        #expect(r.written.count == 5)
        #expect(r.written.allSatisfy { $0.hasPrefix("stage ") && $0.hasSuffix("\n") })
    }

    @Test func linesStyleWritesALineForEachBoundaryAPolledCountPasses() {
        let r = Recorder()
        let bar = r.bar(.lines(count: 10))
        // A count read every so often (an experiment's training logs): 0 → 37 → 38 → 152 → 1000 of 1000.
        bar.update(37, of: 1000)   // first update of the pass, not on a boundary: nothing
        bar.update(38, of: 1000)   // same tenth: nothing
        bar.update(152, of: 1000)  // passed 100: one line
        bar.update(160, of: 1000)  // same tenth: nothing
        bar.update(1000, of: 1000) // done: one line
        #expect(r.written.count == 2, "\(r.written)")
        #expect(r.written.first?.contains("152/1000 items") == true)
    }

    @Test func messagesBlankARedrawnBarAndTheNextUpdateDrawsItAgain() {
        let r = Recorder()
        let bar = r.bar(.redraw)
        bar.update(1, of: 4)
        bar.message("stage: a message")
        bar.update(2, of: 4)
        let out = r.written
        #expect(out.count == 4, "\(out)")
        let blank = "\r" + String(repeating: " ", count: out[0].count - 1) + "\r"
        #expect(out[1] == blank)
        #expect(out[2] == "stage: a message\n")
        #expect(out[3].hasPrefix("\rstage ") && out[3].contains("2/4 items"))
        let plain = Recorder()
        let lines = plain.bar(.lines(count: 2))
        lines.message("only the message")
        #expect(plain.written == ["only the message\n"])
    }

    @Test func beginRestartsClockLabelAndCount() {
        let r = Recorder()
        let bar = r.bar(.redraw)
        bar.update(2, of: 2)
        r.advance(100)
        bar.begin("fusion", at: 5)
        r.advance(2)
        bar.update(9, of: 10)
        let last = r.written.last ?? ""
        #expect(last.hasPrefix("\rfusion       ["))
        #expect(last.contains("9/10 items  2.0 items/s"))  // 4 new items in 2 s
    }

    @Test func offWritesNothing() {
        let r = Recorder()
        let bar = r.bar(.off)
        for i in 1...3 { bar.update(i, of: 3) }
        #expect(r.written.isEmpty)
        #expect(ProgressBar.Style.automatic(enabled: false, force: true) == .off)
        #expect(ProgressBar.Style.automatic(force: true) == .redraw)
    }
}
