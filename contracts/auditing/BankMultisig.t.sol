// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {ISettlementToken} from "../settlement/ISettlementToken.sol";
import {SettlementToken} from "../settlement/SettlementToken.sol";
import {TestBase} from "../testing/TestBase.sol";
import {BankMultisig} from "./BankMultisig.sol";
import {IBankMultisig} from "./IBankMultisig.sol";

contract BankMultisigTest is TestBase {
    ConsortiumRegistry internal consortium;
    SettlementToken internal eur;
    BankMultisig internal bank;
    address internal gov1 = address(0x61);
    address internal gov2 = address(0x62);
    address internal gov3 = address(0x63);
    address internal s1 = address(0x51);
    address internal s2 = address(0x52);
    address internal s3 = address(0x53);
    address internal member = gov3;

    function setUp() public {
        address[] memory founders = new address[](3);
        founders[0] = gov1;
        founders[1] = gov2;
        founders[2] = gov3;
        string[] memory names = new string[](3);
        bytes32[][] memory roles = new bytes32[][](3);
        for (uint256 i = 0; i < 3; i++) {
            names[i] = "member";
            roles[i] = new bytes32[](0);
        }
        consortium = new ConsortiumRegistry(founders, names, roles);
        eur = new SettlementToken(consortium, "EUR", 2);
        address[] memory signers = new address[](3);
        signers[0] = s1;
        signers[1] = s2;
        signers[2] = s3;
        bank = new BankMultisig(eur, signers, 2);
    }

    /// @dev The consortium's governors admit the multisig as a member holding SETTLEMENT_BANK (2 of 3 governors).
    function admitBank() internal {
        bytes32[] memory bankRole = new bytes32[](1);
        bankRole[0] = Roles.SETTLEMENT_BANK;
        vm.prank(gov1);
        uint256 id = consortium.propose(
            IConsortiumRegistry.ProposalKind.Admit,
            address(bank),
            "Clearing bank (2 of 3)",
            bankRole,
            1 days
        );
        vm.prank(gov2);
        consortium.approve(id);
    }

    function testMintNeedsTheThresholdOfSigners() public {
        admitBank();
        vm.prank(s1);
        bank.approveMint(member, 500_00, "receipt-1");
        assertEq(eur.balanceOf(member), 0, "one signature mints nothing");
        vm.prank(s2);
        bytes32 id = bank.approveMint(member, 500_00, "receipt-1");
        assertEq(eur.balanceOf(member), 500_00, "two of three mint");
        vm.expectRevert(abi.encodeWithSelector(IBankMultisig.OperationDone.selector, id));
        vm.prank(s3);
        bank.approveMint(member, 500_00, "receipt-1");
    }

    function testBurnNeedsTheThresholdOfSigners() public {
        admitBank();
        vm.prank(s1);
        bank.approveMint(member, 500_00, "receipt-1");
        vm.prank(s2);
        bank.approveMint(member, 500_00, "receipt-1");
        vm.prank(member);
        eur.transfer(address(bank), 200_00);
        vm.prank(s2);
        bank.approveBurn(member, 200_00, "payout-1");
        assertEq(eur.totalSupply(), 500_00, "one signature burns nothing");
        vm.prank(s3);
        bank.approveBurn(member, 200_00, "payout-1");
        assertEq(eur.totalSupply(), 300_00, "two of three burn");
    }

    function testRefusesOutsidersAndDoubleApprovals() public {
        admitBank();
        vm.expectRevert(abi.encodeWithSelector(IBankMultisig.NotSigner.selector, gov1));
        vm.prank(gov1);
        bank.approveMint(member, 1, "r");
        vm.prank(s1);
        bytes32 id = bank.approveMint(member, 1, "r");
        vm.expectRevert(abi.encodeWithSelector(IBankMultisig.AlreadyApproved.selector, id, s1));
        vm.prank(s1);
        bank.approveMint(member, 1, "r");
    }

    function testWithoutTheConsortiumsAdmissionItCannotMint() public {
        vm.prank(s1);
        bank.approveMint(member, 1, "r");
        vm.expectRevert(abi.encodeWithSelector(ISettlementToken.NotSettlementBank.selector, address(bank)));
        vm.prank(s2);
        bank.approveMint(member, 1, "r");
    }

    function testSignersChangeByTheSameThreshold() public {
        address[] memory next = new address[](2);
        next[0] = s1;
        next[1] = address(0x54);
        vm.prank(s1);
        bank.approveSigners(next, 2);
        assertEq(bank.threshold(), 2, "unchanged after one");
        vm.prank(s3);
        bank.approveSigners(next, 2);
        assertEq(bank.signers().length, 2, "replaced");
        vm.expectRevert(abi.encodeWithSelector(IBankMultisig.NotSigner.selector, s3));
        vm.prank(s3);
        bank.approveMint(member, 1, "r");
        vm.expectRevert(abi.encodeWithSelector(IBankMultisig.InvalidSigners.selector, "threshold"));
        new BankMultisig(eur, next, 3);
    }
}
