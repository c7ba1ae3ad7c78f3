package jrun.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts by lines, for `rules apply --diff`. Common head and tail are
 * trimmed first, then an LCS over the rest (a config edit usually touches a few lines); a middle
 * too large for the table is shown as all removed, then all added.
 */
final class TextDiff {
    private static final int CONTEXT = 3;
    private static final long MAX_CELLS = 4_000_000;

    private TextDiff() {}

    static String unified(String aName, String bName, String a, String b) {
        List<String> x = a.lines().toList(), y = b.lines().toList();
        if (x.equals(y)) return "";
        int head = 0;
        while (head < x.size() && head < y.size() && x.get(head).equals(y.get(head))) head++;
        int tail = 0;
        while (tail < x.size() - head && tail < y.size() - head
                && x.get(x.size() - 1 - tail).equals(y.get(y.size() - 1 - tail))) tail++;
        List<String> xm = x.subList(head, x.size() - tail), ym = y.subList(head, y.size() - tail);
        List<char[]> ops = new ArrayList<>(); // {op} per line: ' ', '-', '+'
        List<String> text = new ArrayList<>();
        for (int i = 0; i < head; i++) add(ops, text, ' ', x.get(i));
        middle(xm, ym, ops, text);
        for (int i = x.size() - tail; i < x.size(); i++) add(ops, text, ' ', x.get(i));
        return hunks(aName, bName, ops, text);
    }

    private static void add(List<char[]> ops, List<String> text, char op, String line) {
        ops.add(new char[] {op});
        text.add(line);
    }

    private static void middle(List<String> x, List<String> y, List<char[]> ops, List<String> text) {
        int n = x.size(), m = y.size();
        if ((long) (n + 1) * (m + 1) > MAX_CELLS) {
            for (String s : x) add(ops, text, '-', s);
            for (String s : y) add(ops, text, '+', s);
            return;
        }
        int[][] l = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--)
            for (int j = m - 1; j >= 0; j--)
                l[i][j] = x.get(i).equals(y.get(j)) ? l[i + 1][j + 1] + 1 : Math.max(l[i + 1][j], l[i][j + 1]);
        int i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && x.get(i).equals(y.get(j))) {
                add(ops, text, ' ', x.get(i++));
                j++;
            } else if (i < n && (j == m || l[i + 1][j] >= l[i][j + 1])) {
                add(ops, text, '-', x.get(i++));
            } else {
                add(ops, text, '+', y.get(j++));
            }
        }
    }

    private static String hunks(String aName, String bName, List<char[]> ops, List<String> text) {
        StringBuilder sb = new StringBuilder("--- ").append(aName).append("\n+++ ").append(bName).append('\n');
        int k = 0, size = ops.size();
        while (k < size) {
            while (k < size && ops.get(k)[0] == ' ') k++;
            if (k == size) break;
            int start = Math.max(0, k - CONTEXT), end = k;
            while (true) { // extend while the next change is within 2*CONTEXT lines
                while (end < size && ops.get(end)[0] != ' ') end++;
                int next = end;
                while (next < size && ops.get(next)[0] == ' ') next++;
                if (next < size && next - end <= 2 * CONTEXT) end = next;
                else break;
            }
            end = Math.min(size, end + CONTEXT);
            int aLine = 1, bLine = 1;
            for (int i = 0; i < start; i++) {
                if (ops.get(i)[0] != '+') aLine++;
                if (ops.get(i)[0] != '-') bLine++;
            }
            int aCount = 0, bCount = 0;
            for (int i = start; i < end; i++) {
                if (ops.get(i)[0] != '+') aCount++;
                if (ops.get(i)[0] != '-') bCount++;
            }
            sb.append("@@ -").append(aLine).append(',').append(aCount).append(" +").append(bLine).append(',').append(bCount).append(" @@\n");
            for (int i = start; i < end; i++) sb.append(ops.get(i)[0]).append(text.get(i)).append('\n');
            k = end;
        }
        return sb.toString();
    }
}
