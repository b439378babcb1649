<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>LibraryView</name>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="25"/>
        <source>new</source>
        <translation>新</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="25"/>
        <source>analysed</source>
        <translation>已分析</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="26"/>
        <location filename="../../qaworkstation/ui/library_view.py" line="103"/>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="31"/>
        <location filename="../../qaworkstation/ui/library_view.py" line="37"/>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="32"/>
        <source>Team</source>
        <translation>班组</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="33"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="34"/>
        <source>From</source>
        <translation>起始</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="35"/>
        <source>To</source>
        <translation>截止</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="37"/>
        <source>Call</source>
        <translation>通话</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="37"/>
        <source>Flags</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="37"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="38"/>
        <source>Length</source>
        <translation>时长</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="38"/>
        <source>Scored</source>
        <translation>已评</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="57"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/library_view.py" line="65"/>
        <source>any</source>
        <translation>不限</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="68"/>
        <location filename="../../qaworkstation/ui/main_window.py" line="410"/>
        <source>QA Workstation</source>
        <translation>质检工作台</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="77"/>
        <source>No audio output — playback runs silently</source>
        <translation>无音频输出设备——静音播放</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="88"/>
        <location filename="../../qaworkstation/ui/main_window.py" line="345"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="123"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="131"/>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="135"/>
        <source>Import files…</source>
        <translation>导入文件…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="136"/>
        <source>Import folder…</source>
        <translation>导入文件夹…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="137"/>
        <source>Analyse call</source>
        <translation>分析通话</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="138"/>
        <source>Sync to shared folder</source>
        <translation>同步到共享文件夹</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="139"/>
        <source>Shared folder…</source>
        <translation>共享文件夹…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="140"/>
        <source>Inspector…</source>
        <translation>质检员…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="165"/>
        <source>Team shared folder</source>
        <translation>班组共享文件夹</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="170"/>
        <source>Inspector</source>
        <translation>质检员</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="170"/>
        <source>Your inspector id:</source>
        <translation>您的质检员工号：</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="199"/>
        <source>Import recordings</source>
        <translation>导入录音</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="200"/>
        <source>Audio (*.wav *.flac *.mp3 *.ogg *.opus);;All files (*)</source>
        <translation>音频 (*.wav *.flac *.mp3 *.ogg *.opus);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="205"/>
        <source>Import a folder of recordings</source>
        <translation>导入录音文件夹</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="210"/>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="214"/>
        <source>Imported {0}, already in library {1}, failed {2}</source>
        <translation>已导入 {0}，已存在 {1}，失败 {2}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="219"/>
        <source>Some files could not be imported</source>
        <translation>部分文件无法导入</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="277"/>
        <source>Unsaved changes restored from the draft.</source>
        <translation>已从草稿恢复未保存的修改。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="279"/>
        <source>Saved {0} by {1}.</source>
        <translation>已于 {0} 由 {1} 保存。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="282"/>
        <source>Not scored yet — suggestions from the rules are pre-filled.</source>
        <translation>尚未评分——已按规则预填建议扣分。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="294"/>
        <source>Transcribing {0}…</source>
        <translation>正在转写 {0}…</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="319"/>
        <source>Analysis finished.</source>
        <translation>分析完成。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="326"/>
        <source>Transcription stopped: {0}</source>
        <translation>转写已停止：{0}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="326"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="345"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="355"/>
        <source>Editing — draft kept automatically.</source>
        <translation>编辑中——草稿已自动保存。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="380"/>
        <source>Evaluation saved: {0} / {1}</source>
        <translation>评分已保存：{0} / {1}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="403"/>
        <source>Sync failed — nothing was lost locally.</source>
        <translation>同步失败——本地数据未丢失。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/main_window.py" line="404"/>
        <source>Sync failed</source>
        <translation>同步失败</translation>
    </message>
</context>
<context>
    <name>ScorecardView</name>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="25"/>
        <source>Greeting</source>
        <translation>开头语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="25"/>
        <source>Closing</source>
        <translation>结束语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="26"/>
        <source>Apology</source>
        <translation>致歉</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="27"/>
        <source>Forbidden phrase</source>
        <translation>服务禁语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="28"/>
        <source>Insult</source>
        <translation>侮辱</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="28"/>
        <source>Filler word</source>
        <translation>口头禅</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="36"/>
        <source>{0} missing</source>
        <translation>缺少{0}</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="37"/>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="37"/>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="38"/>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="60"/>
        <source>N/A</source>
        <translation>不适用</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="63"/>
        <source>Comment</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="113"/>
        <source>Overall comment for the agent</source>
        <translation>给坐席的总体评语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="120"/>
        <source>Save evaluation</source>
        <translation>保存评分</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="137"/>
        <source>pass mark {0}%</source>
        <translation>合格线 {0}%</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="192"/>
        <source>FAIL — critical item</source>
        <translation>不合格——一票否决</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="194"/>
        <source>PASS</source>
        <translation>合格</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/scorecard_view.py" line="196"/>
        <source>FAIL</source>
        <translation>不合格</translation>
    </message>
</context>
<context>
    <name>TranscriptView</name>
    <message>
        <location filename="../../qaworkstation/ui/transcript_view.py" line="26"/>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/transcript_view.py" line="26"/>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/transcript_view.py" line="60"/>
        <source>No transcript yet.</source>
        <translation>尚无转写文本。</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/transcript_view.py" line="69"/>
        <source>Speaker</source>
        <translation>说话人</translation>
    </message>
</context>
<context>
    <name>WaveformView</name>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="266"/>
        <location filename="../../qaworkstation/ui/waveform.py" line="426"/>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="266"/>
        <location filename="../../qaworkstation/ui/waveform.py" line="426"/>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="266"/>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="272"/>
        <source>Forbidden phrase</source>
        <translation>服务禁语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="273"/>
        <source>Insult</source>
        <translation>侮辱</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="274"/>
        <source>Filler word</source>
        <translation>口头禅</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="275"/>
        <source>Greeting</source>
        <translation>开头语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="276"/>
        <source>Closing</source>
        <translation>结束语</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="277"/>
        <source>Apology</source>
        <translation>致歉</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="319"/>
        <source>No recording loaded</source>
        <translation>未打开录音</translation>
    </message>
    <message>
        <location filename="../../qaworkstation/ui/waveform.py" line="424"/>
        <source>Mono</source>
        <translation>单声道</translation>
    </message>
</context>
</TS>
